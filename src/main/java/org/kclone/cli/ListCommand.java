package org.kclone.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.kclone.device.DeviceInfo;
import org.kclone.device.LoopBacking;
import org.kclone.device.Lsblk;
import org.kclone.device.Sizes;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kclone list}: the disks and partitions, as a table or JSON. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List disks and partitions (system and mounted ones are marked).")
final class ListCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", description = "Print JSON: {\"devices\": [...]}, partitions under \"children\".")
    boolean json;

    @Override
    public Integer call() throws Exception {
        List<DeviceInfo> devices = Lsblk.discover();
        LoopBacking loops = LoopBacking.system();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(Map.of("devices", withLoops(devices, loops))));
        } else {
            out.printf("%-18s %10s %-5s %-20s %-16s %-5s %-3s %-3s %s%n", "PATH", "SIZE", "TYPE", "MODEL", "SERIAL",
                    "TRAN", "RM", "RO", "NOTES");
            for (DeviceInfo d : Lsblk.flatten(devices)) {
                out.printf("%-18s %10s %-5s %-20s %-16s %-5s %-3s %-3s %s%n", d.path(), Sizes.human(d.size()),
                        d.type(), cut(d.model(), 20), cut(d.serial(), 16), orDash(d.transport()),
                        d.removable() ? "yes" : "-", d.readOnly() ? "yes" : "-", notes(d, loops));
            }
        }
        out.flush();
        return 0;
    }

    /**
     * The devices as JSON, each loop device with {@code "loop": {"backingFile", "offset",
     * "sizeLimit"}} (JSON null for the file when sysfs cannot be read).
     */
    static List<JsonNode> withLoops(List<DeviceInfo> devices, LoopBacking loops) {
        ObjectMapper m = new ObjectMapper();
        List<JsonNode> out = new java.util.ArrayList<>();
        for (DeviceInfo d : devices) {
            ObjectNode n = m.valueToTree(d);
            loopOf(d, loops).ifPresent(b -> {
                ObjectNode l = n.putObject("loop");
                l.put("backingFile", b.file().toString());
                l.put("offset", b.offset());
                l.put("sizeLimit", b.sizeLimit());
            });
            if (!d.children().isEmpty()) {
                n.set("children", m.valueToTree(withLoops(d.children(), loops)));
            }
            out.add(n);
        }
        return out;
    }

    private static java.util.Optional<LoopBacking.Backing> loopOf(DeviceInfo d, LoopBacking loops) {
        if (d.isPartition()) {
            return java.util.Optional.empty();
        }
        try {
            return loops.of(d.name());
        } catch (java.io.IOException e) {
            return java.util.Optional.empty();
        }
    }

    static String notes(DeviceInfo d, LoopBacking loops) {
        StringBuilder b = new StringBuilder();
        if (d.system()) {
            b.append("SYSTEM ");
        }
        loopOf(d, loops).ifPresent(l -> b.append("on ").append(l.file())
                .append(l.offset() != 0 ? " from byte " + l.offset() : "").append(' '));
        if (!d.mountpoints().isEmpty()) {
            b.append("mounted ").append(String.join(",", d.mountpoints())).append(' ');
        }
        if (!d.holders().isEmpty()) {
            b.append("held by ").append(String.join(",", d.holders())).append(' ');
        }
        if (d.fsType() != null) {
            b.append(d.fsType()).append(d.label() != null ? " \"" + d.label() + "\"" : "");
        }
        return b.toString().trim();
    }

    private static String cut(String s, int n) {
        if (s == null || s.isBlank()) {
            return "-";
        }
        s = s.trim();
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }

    private static String orDash(String s) {
        return s == null ? "-" : s;
    }
}
