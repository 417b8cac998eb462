package org.kclone.device;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Loop devices' backing files as the kernel holds them ({@code LOOP_GET_STATUS64}: device and
 * inode of the open file), asked through util-linux in one call for all of them: {@code losetup
 * --json -O NAME,BACK-INO,BACK-MAJ:MIN}. The path sysfs prints can name another file (the backing
 * file was removed and lives on under another name; attached in another mount namespace); this
 * cannot. Empty where losetup is missing or may not open the devices (not root).
 */
final class LoopKernelIds {

    static final List<String> LOSETUP = List.of("losetup", "--json", "-O", "NAME,BACK-INO,BACK-MAJ:MIN");

    private LoopKernelIds() {
    }

    /** By kernel name ({@code loop3}), the identity of every attached loop device's backing file. */
    static Map<String, LoopBacking.FileId> all() {
        return list(LOSETUP);
    }

    /** {@link #all()} from the JSON {@code command} prints; empty where it cannot run or fails. */
    static Map<String, LoopBacking.FileId> list(List<String> command) {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            return Map.of(); // no losetup here
        }
        try {
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return parse(new String(out, StandardCharsets.UTF_8)); // nothing printed: no loop device attached
            }
        } catch (IOException e) {
            // unreadable output: as where losetup fails
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        p.destroy();
        return Map.of();
    }

    /**
     * The identities in losetup's JSON, as {@code stat} gives {@code st_dev} and {@code st_ino}, by
     * kernel name; a device whose identity losetup could not ask (not root) is left out.
     */
    static Map<String, LoopBacking.FileId> parse(String json) throws IOException {
        Map<String, LoopBacking.FileId> out = new HashMap<>();
        for (Object d : StreamedJson.items(StreamedJson.path(StreamedJson.read(json), "loopdevices"))) {
            String name = StreamedJson.asText(StreamedJson.path(d, "name"), "");
            name = name.substring(name.lastIndexOf('/') + 1);
            String ino = StreamedJson.asText(StreamedJson.path(d, "back-ino"), "").strip();
            String majMin = StreamedJson.asText(StreamedJson.path(d, "back-maj:min"), "").strip();
            int colon = majMin.indexOf(':');
            if (name.isEmpty() || colon < 0) {
                continue;
            }
            try {
                long inode = Long.parseLong(ino); // missing or null: not a number either
                long major = Long.parseLong(majMin.substring(0, colon).strip());
                long minor = Long.parseLong(majMin.substring(colon + 1).strip());
                out.put(name, new LoopBacking.FileId(makedev(major, minor), inode));
            } catch (NumberFormatException e) {
                // not an identity: left out, as where losetup could not ask
            }
        }
        return Map.copyOf(out);
    }

    /** glibc's {@code makedev}: how {@code st_dev} holds a major and minor number. */
    static long makedev(long major, long minor) {
        return ((major & 0xfffff000L) << 32) | ((major & 0xfffL) << 8) | ((minor & 0xffffff00L) << 12)
                | (minor & 0xffL);
    }
}
