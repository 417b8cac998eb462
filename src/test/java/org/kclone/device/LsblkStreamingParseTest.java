package org.kclone.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Lsblk's streaming parse ({@link StreamedJson}) gives the devices that the ObjectMapper tree it
 * replaced gave ({@link LsblkTreeParse}), field for field, for lsblk's real output and for every odd
 * shape a field can take: numbers as strings (leniently parsed), JSON null where a number belongs,
 * booleans, floats, objects where arrays belong, repeated names, text after the value.
 */
class LsblkStreamingParseTest {

    private static final Map<String, String> BY_ID = Map.of("/dev/sdb", "usb-Stick", "/dev/sdb1", "usb-Stick-part1",
            "/dev/7", "seven");

    private static void same(String json) throws IOException {
        assertEquals(LsblkTreeParse.parse(json, BY_ID), Lsblk.parse(json, BY_ID), json);
    }

    private static String device(String fields) {
        return "{\"blockdevices\": [{\"name\": \"sdb\", \"type\": \"disk\", " + fields + "}]}";
    }

    @Test
    void theFixtureAsTheTreeReadIt() throws Exception {
        try (InputStream in = LsblkStreamingParseTest.class.getResourceAsStream("lsblk-lvm-swap.json")) {
            same(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void thisMachinesLsblkAsTheTreeReadIt() throws Exception {
        List<String> command = new ArrayList<>(List.of("lsblk", "--json", "--bytes", "-o", String.join(",", Lsblk.COLUMNS)));
        Process p;
        try {
            p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            assumeTrue(false, "no lsblk on this machine (package util-linux): " + e.getMessage());
            return;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(true, p.waitFor(30, TimeUnit.SECONDS), "lsblk finished");
        assumeTrue(p.exitValue() == 0, "lsblk failed here (exit " + p.exitValue() + ")");
        same(out);
        // and the tree lsblk writes without --bytes or with the columns' defaults
        p = new ProcessBuilder("lsblk", "--json").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        same(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        p.waitFor(30, TimeUnit.SECONDS);
    }

    @Test
    void numbersInEveryShape() throws Exception {
        for (String v : List.of("8388608", "\"8388608\"", "\" 42 \"", "\"+7\"", "\"-5\"", "\"1e3\"", "\"1.9\"", "\"abc\"",
                "\"\"", "null", "true", "false", "1.5", "-2.7", "1e300", "99999999999999999999", "-9223372036854775809",
                "2147483648", "4096", "[1]", "{\"a\": 1}", "\"0x10\"", "\"99999999999999999999\"", "\"NaN\"")) {
            same(device("\"size\": " + v + ", \"log-sec\": " + v + ", \"phy-sec\": " + v + ", \"start\": " + v));
        }
        same(device("\"size\": 1"));
    }

    @Test
    void textsAndFlagsInEveryShape() throws Exception {
        for (String v : List.of("\"x\"", "\"\"", "null", "1", "0", "\"1\"", "\"0\"", "true", "false", "\"true\"", "1.0",
                "12345678901234567890", "[]", "{}", "[\"a\"]", "\"\\u00e9t\\u00e9\"")) {
            same(device("\"path\": " + v + ", \"model\": " + v + ", \"serial\": " + v + ", \"tran\": " + v + ", \"rm\": " + v
                    + ", \"ro\": " + v + ", \"rota\": " + v + ", \"fstype\": " + v + ", \"label\": " + v + ", \"pkname\": "
                    + v + ", \"mountpoint\": " + v));
            same("{\"blockdevices\": [{\"name\": " + v + ", \"type\": " + v + ", \"children\": [{\"name\": \"c\"}]}]}");
        }
    }

    @Test
    void mountpointsInEveryShape() throws Exception {
        for (String v : List.of("[null, \"\"]", "[\"/\"]", "[\"/media/a\", \"/boot\"]", "[1, true, [], {}]", "null", "\"/\"",
                "{\"a\": \"/\", \"b\": null}", "[]", "{}", "[\"[SWAP]\", \"/srv\"]")) {
            same(device("\"mountpoints\": " + v));
            same(device("\"mountpoints\": " + v + ", \"mountpoint\": \"/home\""));
        }
    }

    @Test
    void treesInEveryShape() throws Exception {
        for (String json : List.of("", " ", "{}", "[]", "5", "null", "\"x\"", "{\"blockdevices\": null}",
                "{\"blockdevices\": []}", "{\"blockdevices\": {}}", "{\"blockdevices\": 3}",
                "{\"blockdevices\": [1, \"x\", null, [], true]}",
                "{\"blockdevices\": {\"a\": {\"name\": \"sdq\"}, \"b\": {\"name\": \"sdr\"}}}",
                "{\"blockdevices\": [{\"name\": \"sdb\", \"children\": {\"x\": {\"name\": \"sdb1\", \"type\": \"part\"}}}]}",
                "{\"blockdevices\": [{\"name\": \"sdb\", \"children\": [{\"name\": \"md0\", \"children\": [{\"name\": \"7\","
                        + " \"mountpoints\": [\"/\"]}]}, {\"name\": \"sdb1\", \"type\": \"part\"}]}]}",
                "{\"blockdevices\": [{\"name\": \"sdb\", \"name\": \"sdc\", \"size\": 1, \"size\": \"2\"}]}",
                "{\"blockdevices\": [{\"name\": \"sdb\"}], \"blockdevices\": [{\"name\": \"sdc\"}]}",
                "{\"blockdevices\": [{\"name\": \"sdb\"}]} trailing words",
                "{\"blockdevices\": [{\"name\": \"sdb\"}]} {\"blockdevices\": [{\"name\": \"sdc\"}]}",
                "{\"other\": 1, \"blockdevices\": [{\"name\": \"sdb\", \"unknown\": {\"deep\": [1, {\"x\": null}]}}]}")) {
            same(json);
        }
    }

    @Test
    void brokenJsonIsRefusedByBoth() {
        for (String json : List.of("{", "{\"blockdevices\": [}", "{\"blockdevices\": [{\"name\": }]}", "{'a': 1}",
                "{\"a\": 01}", "{\"blockdevices\": [{\"size\": NaN}]}", "[1,]")) {
            assertThrows(IOException.class, () -> LsblkTreeParse.parse(json, Map.of()), json);
            assertThrows(IOException.class, () -> Lsblk.parse(json, Map.of()), json);
        }
    }

    @Test
    void aLongLsblkTreeAsTheTreeReadIt() throws Exception {
        StringBuilder json = new StringBuilder("{\"blockdevices\": [");
        for (int i = 0; i < 200; i++) {
            json.append(i == 0 ? "" : ",").append("{\"name\": \"loop").append(i).append("\", \"size\": ").append(i * 4096L)
                    .append(", \"type\": \"loop\", \"rm\": ").append(i % 2 == 0).append(", \"ro\": \"").append(i % 3)
                    .append("\", \"mountpoints\": [null], \"children\": [{\"name\": \"loop").append(i)
                    .append("p1\", \"type\": \"part\", \"start\": 2048, \"mountpoints\": [\"/mnt/").append(i).append("\"]}]}");
        }
        same(json.append("]}").toString());
    }
}
