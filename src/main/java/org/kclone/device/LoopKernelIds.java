package org.kclone.device;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A loop device's backing file as the kernel holds it ({@code LOOP_GET_STATUS64}: device and
 * inode of the open file), asked through util-linux: {@code losetup --json -O
 * NAME,BACK-INO,BACK-MAJ:MIN}. The path sysfs prints can name another file (the backing file was
 * removed and lives on under another name; attached in another mount namespace); this cannot.
 * Empty where losetup is missing or may not open the device (not root).
 */
final class LoopKernelIds {

    private LoopKernelIds() {
    }

    static Optional<LoopBacking.FileId> of(String name) {
        try {
            Process p = new ProcessBuilder("losetup", "--json", "-O", "NAME,BACK-INO,BACK-MAJ:MIN", "/dev/" + name)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0 || out.length == 0) {
                p.destroy();
                return Optional.empty();
            }
            return parse(new String(out, java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty(); // no losetup here
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The identity in losetup's JSON, as {@code stat} gives {@code st_dev} and {@code st_ino}. */
    static Optional<LoopBacking.FileId> parse(String json) throws IOException {
        JsonNode devs = new ObjectMapper().readTree(json).path("loopdevices");
        if (!devs.isArray() || devs.isEmpty()) {
            return Optional.empty();
        }
        JsonNode d = devs.get(0);
        JsonNode ino = d.path("back-ino");
        String majMin = d.path("back-maj:min").asText("").strip();
        int colon = majMin.indexOf(':');
        if (ino.isMissingNode() || ino.isNull() || colon < 0) {
            return Optional.empty();
        }
        try {
            long inode = ino.isNumber() ? ino.asLong() : Long.parseLong(ino.asText().strip());
            long major = Long.parseLong(majMin.substring(0, colon).strip());
            long minor = Long.parseLong(majMin.substring(colon + 1).strip());
            return Optional.of(new LoopBacking.FileId(makedev(major, minor), inode));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** glibc's {@code makedev}: how {@code st_dev} holds a major and minor number. */
    static long makedev(long major, long minor) {
        return ((major & 0xfffff000L) << 32) | ((major & 0xfffL) << 8) | ((minor & 0xffffff00L) << 12)
                | (minor & 0xffL);
    }
}
