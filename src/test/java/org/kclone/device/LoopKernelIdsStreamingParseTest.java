package org.kclone.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * LoopKernelIds' streaming parse ({@link StreamedJson}) gives the identities that the ObjectMapper
 * tree it replaced gave ({@link #treeParse}, the former code word for word), for this machine's
 * losetup and for every odd shape a field can take.
 */
class LoopKernelIdsStreamingParseTest {

    /** LoopKernelIds.parse as it was, with Jackson's ObjectMapper tree. */
    static Map<String, LoopBacking.FileId> treeParse(String json) throws IOException {
        Map<String, LoopBacking.FileId> out = new HashMap<>();
        for (JsonNode d : new ObjectMapper().readTree(json).path("loopdevices")) {
            String name = d.path("name").asText("");
            name = name.substring(name.lastIndexOf('/') + 1);
            String ino = d.path("back-ino").asText("").strip();
            String majMin = d.path("back-maj:min").asText("").strip();
            int colon = majMin.indexOf(':');
            if (name.isEmpty() || colon < 0) {
                continue;
            }
            try {
                long inode = Long.parseLong(ino);
                long major = Long.parseLong(majMin.substring(0, colon).strip());
                long minor = Long.parseLong(majMin.substring(colon + 1).strip());
                out.put(name, new LoopBacking.FileId(LoopKernelIds.makedev(major, minor), inode));
            } catch (NumberFormatException e) {
                // left out
            }
        }
        return Map.copyOf(out);
    }

    private static void same(String json) throws IOException {
        assertEquals(treeParse(json), LoopKernelIds.parse(json), json);
    }

    @Test
    void thisMachinesLosetupAsTheTreeReadIt() throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(LoopKernelIds.LOSETUP).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            assumeTrue(false, "no losetup on this machine (package mount): " + e.getMessage());
            return;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(true, p.waitFor(30, TimeUnit.SECONDS), "losetup finished");
        assumeTrue(p.exitValue() == 0, "losetup failed here (exit " + p.exitValue() + "; not root?)");
        same(out);
    }

    @Test
    void everyFieldInEveryShape() throws Exception {
        List<String> values = List.of("\"/dev/loop3\"", "\"loop3\"", "\"\"", "null", "7", "\"7\"", "\" 9 \"", "7.5", "true",
                "[]", "{}", "\"8:1\"", "\" 254:0 \"", "\"x:1\"", "\"1:\"", "\":\"", "12345678901234567890");
        for (String name : values) {
            for (String ino : values) {
                same("{\"loopdevices\": [{\"name\": " + name + ", \"back-ino\": " + ino + ", \"back-maj:min\": \"8:1\"}]}");
                same("{\"loopdevices\": [{\"name\": \"/dev/loop1\", \"back-ino\": 5, \"back-maj:min\": " + ino + "},"
                        + " {\"name\": " + name + ", \"back-ino\": " + ino + ", \"back-maj:min\": " + ino + "}]}");
            }
        }
        for (String json : List.of("", "{}", "[]", "null", "{\"loopdevices\": null}", "{\"loopdevices\": {\"a\": {\"name\":"
                + " \"loop1\", \"back-ino\": 1, \"back-maj:min\": \"1:1\"}}}", "{\"loopdevices\": [1, null, \"x\"]}",
                "{\"loopdevices\": [{\"name\": \"loop1\", \"name\": \"loop2\", \"back-ino\": 1, \"back-maj:min\": \"1:1\"}]}")) {
            same(json);
        }
    }

    @Test
    void brokenJsonIsRefusedByBoth() {
        for (String json : List.of("{", "{\"loopdevices\": [}", "[1,]")) {
            assertThrows(IOException.class, () -> treeParse(json), json);
            assertThrows(IOException.class, () -> LoopKernelIds.parse(json), json);
        }
    }
}
