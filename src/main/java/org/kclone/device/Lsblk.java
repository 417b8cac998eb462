package org.kclone.device;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BinaryOperator;

/** Device discovery: {@code lsblk --json --bytes}, parsed with jackson-core's streaming parser ({@link StreamedJson}). */
public final class Lsblk {

    static final List<String> COLUMNS = List.of("NAME", "PATH", "SIZE", "TYPE", "MODEL", "SERIAL", "TRAN", "RM", "RO",
            "MOUNTPOINTS", "FSTYPE", "LABEL", "PKNAME", "LOG-SEC", "PHY-SEC", "START", "ROTA");
    /** Mountpoints that make a disk the system disk. */
    static final Set<String> SYSTEM_MOUNTS = Set.of("/", "/boot", "/usr", "/var", "/home", "[SWAP]");

    private static final Comparator<String> SHORTEST_FIRST = Comparator.comparingInt(String::length)
            .thenComparing(Comparator.naturalOrder());

    private Lsblk() {
    }

    /** Every disk with its partitions and holders, as lsblk sees them now. */
    public static List<DeviceInfo> discover() throws IOException {
        return discover(List.of("lsblk", "--json", "--bytes", "-o", String.join(",", COLUMNS)),
                Path.of("/dev/disk/by-id"));
    }

    /** Runs {@code command} (lsblk; a test gives a stand-in) and parses its output; by-id names from {@code byId}. */
    static List<DeviceInfo> discover(List<String> command, Path byId) throws IOException {
        return discover(command, byId, 30);
    }

    /**
     * As {@link #discover(List, Path)}, giving up after {@code timeoutSeconds}: a lsblk that hangs (a
     * device that does not answer udev's queries) is killed, never left running, and the refusal
     * says so. Its output and errors are read on their own threads, so neither pipe can fill up
     * and stall it.
     */
    static List<DeviceInfo> discover(List<String> command, Path byId, long timeoutSeconds) throws IOException {
        Process p = new ProcessBuilder(command).start();
        CompletableFuture<byte[]> out = drain(p.getInputStream());
        CompletableFuture<byte[]> err = drain(p.getErrorStream());
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new IOException("lsblk did not answer within " + timeoutSeconds + " s (a device not"
                        + " responding?); it was stopped");
            }
            if (p.exitValue() != 0) {
                throw new IOException("lsblk failed: " + new String(err.join(), StandardCharsets.UTF_8).trim());
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for lsblk", e);
        }
        return parse(new String(out.join(), StandardCharsets.UTF_8), stableIds(byId));
    }

    private static CompletableFuture<byte[]> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return in.readAllBytes();
            } catch (IOException e) {
                return new byte[0];
            }
        }, r -> {
            Thread t = new Thread(r, "kclone-lsblk-pipe");
            t.setDaemon(true);
            t.start();
        });
    }

    /**
     * Parses lsblk's JSON.
     *
     * @param byId device path to its {@code /dev/disk/by-id} name
     */
    public static List<DeviceInfo> parse(String json, Map<String, String> byId) throws IOException {
        Object root = StreamedJson.read(json);
        List<DeviceInfo> out = new ArrayList<>();
        for (Object n : StreamedJson.items(StreamedJson.path(root, "blockdevices"))) {
            out.add(toDevice(n, null, byId));
        }
        return out;
    }

    private static DeviceInfo toDevice(Object n, String parentName, Map<String, String> byId) {
        List<DeviceInfo> children = new ArrayList<>();
        for (Object c : StreamedJson.items(StreamedJson.path(n, "children"))) {
            children.add(toDevice(c, text(n, "name"), byId));
        }
        List<String> holders = new ArrayList<>();
        for (DeviceInfo c : children) {
            if (!c.isPartition()) {
                holders.add(c.name());
            }
        }
        List<String> mounts = new ArrayList<>();
        for (Object m : StreamedJson.items(StreamedJson.path(n, "mountpoints"))) {
            if (m != StreamedJson.NULL && !StreamedJson.asText(m).isEmpty()) {
                mounts.add(StreamedJson.asText(m));
            }
        }
        // lsblk 2.37 and older give one "mountpoint"
        Object mountpoint = StreamedJson.get(n, "mountpoint");
        if (mountpoint != null && mountpoint != StreamedJson.NULL) {
            mounts.add(StreamedJson.asText(mountpoint));
        }
        boolean system = mounts.stream().anyMatch(SYSTEM_MOUNTS::contains)
                || children.stream().anyMatch(DeviceInfo::system);
        String path = text(n, "path");
        String name = text(n, "name");
        if (path == null && name != null) {
            path = "/dev/" + name;
        }
        String pk = text(n, "pkname");
        return new DeviceInfo(name, path, path != null ? byId.get(path) : null, StreamedJson.asLong(StreamedJson.path(n, "size"), 0),
                text(n, "type"), text(n, "model"), text(n, "serial"), text(n, "tran"), bool(n, "rm"), bool(n, "ro"),
                StreamedJson.asInt(StreamedJson.path(n, "log-sec"), 512), StreamedJson.asInt(StreamedJson.path(n, "phy-sec"), 512),
                StreamedJson.asLong(StreamedJson.path(n, "start"), 0),
                pk != null ? pk : parentName, mounts, text(n, "fstype"), text(n, "label"), holders, system, children,
                bool(n, "rota"));
    }

    private static String text(Object n, String field) {
        Object v = StreamedJson.get(n, field);
        return v == null || v == StreamedJson.NULL ? null : StreamedJson.asText(v);
    }

    private static boolean bool(Object n, String field) {
        Object v = StreamedJson.get(n, field);
        // Older lsblk writes "0"/"1" strings; newer writes booleans, whose text is "true"/"false"; null is "null".
        return v != null && ("1".equals(StreamedJson.asText(v)) || "true".equals(StreamedJson.asText(v)));
    }

    /**
     * Device path to its by-id name; where several names point at one device, the shortest (of
     * names as long, the first in alphabetical order, so the choice does not depend on the folder's order).
     */
    static Map<String, String> stableIds(Path dir) {
        Map<String, String> ids = new HashMap<>();
        try (DirectoryStream<Path> links = Files.newDirectoryStream(dir)) {
            for (Path link : links) {
                String id = link.getFileName().toString();
                if (id.startsWith("wwn-")) {
                    continue; // opaque; keep the readable bus name
                }
                try {
                    String target = link.toRealPath().toString();
                    ids.merge(target, id, BinaryOperator.minBy(SHORTEST_FIRST));
                } catch (IOException e) {
                    // a dangling link: the device left between listing and resolving
                }
            }
        } catch (IOException e) {
            // no such folder (no device has a by-id name) or not readable: no stable names
        }
        return ids;
    }

    /** Every device in the trees, depth first. */
    public static List<DeviceInfo> flatten(List<DeviceInfo> roots) {
        List<DeviceInfo> all = new ArrayList<>();
        for (DeviceInfo d : roots) {
            all.add(d);
            all.addAll(flatten(d.children()));
        }
        return all;
    }
}
