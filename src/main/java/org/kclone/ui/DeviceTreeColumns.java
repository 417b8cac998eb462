package org.kclone.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.scene.control.TreeTableColumn;
import javafx.scene.control.TreeTableView;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
import javafx.scene.text.Text;
import org.kclone.device.DeviceInfo;
import org.kclone.device.Sizes;

/**
 * The device tree's columns, fitted to the tree's width: no sideways scrolling. The columns come
 * in the order of what a person choosing a source needs first (Device, Size, File system, Label,
 * Model, Not a destination, Mounted, Bus, Serial); those whose minimum widths fit are shown, the
 * others are hidden until the tree is wide enough (a wider window or the divider moved right).
 * Every shown column is at least as wide as its title and its usual contents; the space left over
 * goes to the last shown one. Long texts end in "..." and the row's tooltip has them all.
 */
final class DeviceTreeColumns {

    /** Room kept for the vertical scroll bar, whether or not it shows. */
    static final double RESERVED = 16;
    /** A text column's own maximum width, in its properties. */
    private static final String MAX = "kclone.maxWidth";
    /** The Device column's width with no devices listed. */
    static final double DEVICE_MIN = 150;

    /**
     * A column: its title, the smallest width that keeps its usual contents readable, the widest it
     * gets (the space left over goes to the columns with long texts), the text of a cell.
     */
    record Spec(String title, double min, double max, Function<DeviceInfo, String> text) {
    }

    /** The text columns after Device, in the order they are given room. */
    static final List<Spec> SPECS = List.of(
            new Spec("Size", 72, 84, d -> Sizes.human(d.size())),
            new Spec("File system", 76, 110, d -> orEmpty(d.fsType())),
            new Spec("Label", 92, Double.MAX_VALUE, d -> orEmpty(d.label())),
            new Spec("Model", 56, Double.MAX_VALUE, d -> orEmpty(d.model()).trim()),
            new Spec("Not a destination", 120, Double.MAX_VALUE,
                    d -> orEmpty(DeviceTableViewModel.whyNotDestination(d))),
            new Spec("Mounted", 80, Double.MAX_VALUE, d -> String.join(", ", d.mountpoints())),
            new Spec("Bus", 44, 60, d -> orEmpty(d.transport())),
            new Spec("Serial", 80, Double.MAX_VALUE, d -> orEmpty(d.serial()).trim()));

    private DeviceTreeColumns() {
    }

    /** Adds the text columns after {@code device} (the tree's first) and keeps them fitted to its width. */
    static void install(TreeTableView<DeviceInfo> tree, TreeTableColumn<DeviceInfo, ?> device) {
        for (Spec s : SPECS) {
            TreeTableColumn<DeviceInfo, String> c = new TreeTableColumn<>(s.title());
            c.setCellValueFactory(cd -> new ReadOnlyStringWrapper(s.text().apply(cd.getValue().getValue())));
            // a size is never cut, even bold (a system disk's row): "888.8 GiB" is the widest one
            double widest = s.title().equals("Size") ? Math.ceil(textWidth("888.8 GiB", true) + 10) : 0;
            c.setMinWidth(Math.max(Math.max(s.min(), widest), headerWidth(s.title())));
            c.setPrefWidth(c.getMinWidth());
            c.setMaxWidth(Math.max(c.getMinWidth(), s.max()));
            c.getProperties().put(MAX, c.getMaxWidth());
            tree.getColumns().add(c);
        }
        device.setMinWidth(Math.max(deviceWidth(List.of()), headerWidth(device.getText())));
        device.setPrefWidth(device.getMinWidth());
        device.setMaxWidth(device.getMinWidth()); // the leftover goes to the text columns
        tree.setColumnResizePolicy(TreeTableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        tree.widthProperty().addListener((o, was, w) -> fit(tree));
    }

    /** Shows the columns whose minimum widths fit the tree's width (the first, Device, always). */
    static void fit(TreeTableView<DeviceInfo> tree) {
        List<TreeTableColumn<DeviceInfo, ?>> columns = tree.getColumns();
        double[] mins = new double[columns.size()];
        for (int i = 0; i < mins.length; i++) {
            mins[i] = columns.get(i).getMinWidth();
        }
        double room = tree.getWidth() - tree.snappedLeftInset() - tree.snappedRightInset() - RESERVED;
        int shown = shown(room, mins);
        for (int i = 0; i < columns.size(); i++) {
            TreeTableColumn<DeviceInfo, ?> c = columns.get(i);
            c.setVisible(i < shown);
            if (i > 0) {
                // the last one shown takes what is left, so no empty header trails the columns
                c.setMaxWidth(i == shown - 1 ? Double.MAX_VALUE : (Double) c.getProperties().get(MAX));
            }
        }
    }

    /** How many of the columns (in order; the first always) fit side by side in {@code room} pixels. */
    static int shown(double room, double[] mins) {
        int n = Math.min(1, mins.length);
        double used = mins.length == 0 ? 0 : mins[0];
        while (n < mins.length && used + mins[n] <= room) {
            used += mins[n];
            n++;
        }
        return n;
    }

    /**
     * The Device column's width for these devices: each row's indentation, badge and path (bold on
     * the system disk's rows), the widest of them; at least {@link #DEVICE_MIN}.
     */
    static double deviceWidth(List<DeviceInfo> devices) {
        double w = DEVICE_MIN;
        Font small = Font.font(Font.getDefault().getFamily(), FontWeight.BOLD, Font.getDefault().getSize() * 0.8);
        for (DeviceInfo d : devices) {
            if (d.path() != null) {
                Text badge = new Text(DeviceKind.of(d).badge);
                badge.setFont(small);
                double indent = d.isPartition() ? 36 : 23; // a partition's level, a disk's disclosure arrow
                w = Math.max(w, indent + badge.getLayoutBounds().getWidth() + 8 + 6 + textWidth(d.path(), d.system()) + 8);
            }
        }
        return Math.ceil(w);
    }

    /** Sets the Device column's width for the devices now listed (a longer path widens it). */
    static void fitDevice(TreeTableView<DeviceInfo> tree, List<DeviceInfo> devices) {
        TreeTableColumn<DeviceInfo, ?> device = tree.getColumns().get(0);
        double w = Math.max(deviceWidth(devices), headerWidth(device.getText()));
        if (w != device.getMinWidth()) {
            device.setMaxWidth(w);
            device.setMinWidth(w);
            device.setPrefWidth(w);
            fit(tree);
            // the policy spreads the width again only when asked: set it anew
            var policy = tree.getColumnResizePolicy();
            tree.setColumnResizePolicy(TreeTableView.UNCONSTRAINED_RESIZE_POLICY);
            tree.setColumnResizePolicy(policy);
        }
    }

    /** The row's tooltip: everything the columns show, whether they are shown or not. */
    static String tooltip(DeviceInfo d) {
        StringBuilder b = new StringBuilder(d.describe());
        List<String> fs = new ArrayList<>();
        if (d.fsType() != null && !d.fsType().isBlank()) {
            fs.add(d.fsType());
        }
        if (d.label() != null && !d.label().isBlank()) {
            fs.add("label " + d.label());
        }
        if (!d.mountpoints().isEmpty()) {
            fs.add("mounted at " + String.join(", ", d.mountpoints()));
        }
        if (!fs.isEmpty()) {
            b.append('\n').append(String.join(", ", fs));
        }
        String why = DeviceTableViewModel.whyNotDestination(d);
        if (why != null) {
            b.append("\nNot a destination: ").append(why);
        }
        return b.toString();
    }

    private static double headerWidth(String title) {
        return Math.ceil(textWidth(title, true) + 12);
    }

    private static double textWidth(String s, boolean bold) {
        Text t = new Text(s);
        t.setFont(Font.font(Font.getDefault().getFamily(), bold ? FontWeight.BOLD : FontWeight.NORMAL,
                Font.getDefault().getSize()));
        return t.getLayoutBounds().getWidth();
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
