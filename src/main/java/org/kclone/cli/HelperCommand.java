package org.kclone.cli;

import java.io.FileInputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.util.concurrent.Callable;
import org.kclone.helper.HelperMain;
import picocli.CommandLine.Command;

/**
 * {@code kclone helper}: the window's privileged helper, started through pkexec; JSON lines on
 * standard input and output (org.kclone.helper.Protocol). Not for people: hidden from --help.
 */
@Command(name = "helper", hidden = true, description = "The window's privileged helper (JSON lines on stdin/stdout).")
final class HelperCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        return HelperMain.run(new FileInputStream(FileDescriptor.in), new FileOutputStream(FileDescriptor.out),
                System.getenv());
    }
}
