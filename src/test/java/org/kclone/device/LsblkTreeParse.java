package org.kclone.device;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Lsblk's parse as it was before {@link StreamedJson}: Jackson's ObjectMapper tree (kept word for word,
 * so LsblkStreamingParseTest can hold the streaming parse to the devices this made).
 */
final class LsblkTreeParse {

    private static final ObjectMapper JSON = new ObjectMapper();

    private LsblkTreeParse() {
    }

    static List<DeviceInfo> parse(String json, Map<String, String> byId) throws IOException {
        JsonNode root = JSON.readTree(json);
        List<DeviceInfo> out = new ArrayList<>();
        for (JsonNode n : root.path("blockdevices")) {
            out.add(toDevice(n, null, byId));
        }
        return out;
    }

    private static DeviceInfo toDevice(JsonNode n, String parentName, Map<String, String> byId) {
        List<DeviceInfo> children = new ArrayList<>();
        for (JsonNode c : n.path("children")) {
            children.add(toDevice(c, text(n, "name"), byId));
        }
        List<String> holders = new ArrayList<>();
        for (DeviceInfo c : children) {
            if (!c.isPartition()) {
                holders.add(c.name());
            }
        }
        List<String> mounts = new ArrayList<>();
        for (JsonNode m : n.path("mountpoints")) {
            if (!m.isNull() && !m.asText().isEmpty()) {
                mounts.add(m.asText());
            }
        }
        if (n.hasNonNull("mountpoint")) {
            mounts.add(n.get("mountpoint").asText());
        }
        boolean system = mounts.stream().anyMatch(Lsblk.SYSTEM_MOUNTS::contains)
                || children.stream().anyMatch(DeviceInfo::system);
        String path = text(n, "path");
        String name = text(n, "name");
        if (path == null && name != null) {
            path = "/dev/" + name;
        }
        String pk = text(n, "pkname");
        return new DeviceInfo(name, path, path != null ? byId.get(path) : null, n.path("size").asLong(),
                text(n, "type"), text(n, "model"), text(n, "serial"), text(n, "tran"), bool(n, "rm"), bool(n, "ro"),
                n.path("log-sec").asInt(512), n.path("phy-sec").asInt(512), n.path("start").asLong(0),
                pk != null ? pk : parentName, mounts, text(n, "fstype"), text(n, "label"), holders, system, children,
                bool(n, "rota"));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static boolean bool(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && ("1".equals(v.asText()) || "true".equals(v.asText()));
    }
}
