package org.kclone.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The CLI in a JVM of its own, for what cannot be done to the test's JVM: another PATH (a fake
 * {@code lsblk} that describes the machine as the test needs), or a file size limit
 * (RLIMIT_FSIZE through {@code prlimit}) that makes writes past an offset fail with the kernel's
 * real EFBIG, "File too large". Standard input is /dev/null, so the CLI sees no terminal.
 */
public final class KcloneProcess {

    public final int exit;
    public final String out;
    public final String err;

    private KcloneProcess(int exit, String out, String err) {
        this.exit = exit;
        this.out = out;
        this.err = err;
    }

    /** Options for the child: a folder put first in PATH, a file size limit in bytes (0: none). */
    public record Setup(Path pathFirst, long fileSizeLimit) {
        public static final Setup PLAIN = new Setup(null, 0);
    }

    public static KcloneProcess run(Setup setup, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        if (setup.fileSizeLimit() > 0) {
            Tools.assumeInstalled("prlimit");
            cmd.addAll(List.of(Tools.find("prlimit").orElseThrow().toString(),
                    "--fsize=" + setup.fileSizeLimit()));
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of("-Xmx256m", "-cp", System.getProperty("java.class.path"), "org.kclone.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        if (setup.pathFirst() != null) {
            pb.environment().put("PATH", setup.pathFirst() + File.pathSeparator + System.getenv("PATH"));
        }
        Process p = pb.start();
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> {
            try {
                return p.getErrorStream().readAllBytes();
            } catch (IOException e) {
                return new byte[0];
            }
        });
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException("kclone " + String.join(" ", args) + " did not end");
        }
        return new KcloneProcess(p.exitValue(), new String(out, StandardCharsets.UTF_8),
                new String(err.join(), StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "exit " + exit + "\n--- out\n" + out + "\n--- err\n" + err;
    }
}
