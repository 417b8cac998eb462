package org.kclone.ui.resume;

import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import javafx.beans.binding.BooleanExpression;
import javafx.collections.ListChangeListener;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.kclone.device.CopyPlanner;
import org.kclone.device.RefusedException;
import org.kclone.device.resume.MapStore;
import org.kclone.ui.DestinationsViewModel;
import org.kclone.ui.SourceViewModel;

/**
 * The window's lines about interrupted jobs: one per unfinished map found ("An interrupted job:
 * /dev/sdb -> 3 drives, 47 % done" with Resume, which fills the form, and Discard), and the offer
 * for the form's job with its Resume button. Shown only when there is something to say.
 */
public final class ResumeView {

    private ResumeView() {
    }

    /** One daemon thread for reading maps (never the FX thread). */
    public static Executor background() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "kclone-maps");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The offer follows the form (a valid source and destinations make a plan; its map is looked
     * for off the FX thread), and is looked for again after each job.
     */
    public static void watch(ResumeViewModel vm, SourceViewModel source, DestinationsViewModel dests,
            BooleanExpression locked) {
        java.util.function.Supplier<CopyPlanner.Plan> plan =
                () -> source.valid().get() && dests.valid().get() ? planOrNull(dests) : null;
        Runnable changed = () -> vm.formChanged(plan.get());
        source.summary().addListener((o, a, b) -> changed.run());
        dests.valid().addListener((o, a, b) -> changed.run());
        dests.rows().addListener((ListChangeListener<DestinationsViewModel.Row>) c -> changed.run());
        locked.addListener((o, was, now) -> {
            if (!now) {
                vm.jobEnded(plan.get()); // a finished job's map went; an interrupted one is offered
            }
        });
    }

    private static CopyPlanner.Plan planOrNull(DestinationsViewModel dests) {
        try {
            return dests.plan();
        } catch (RefusedException | RuntimeException e) {
            return null;
        }
    }

    /** Resume on an interrupted job's line: its source and destinations into the form (whole devices or files). */
    public static void fill(MapStore.Unfinished u, SourceViewModel source, DestinationsViewModel dests) {
        source.choose(u.source());
        java.util.List.copyOf(dests.rows()).forEach(dests::remove);
        u.destinations().forEach(dests::add);
    }

    /** The start-up lines: {@code fill} puts the job's source and destinations into the form. */
    /** Interrupted jobs listed at most, each with Resume and Discard; the rest are counted. */
    public static final int MAX_LINES = 3;

    public static Node pending(ResumeViewModel vm, Consumer<MapStore.Unfinished> fill, BooleanExpression locked) {
        VBox box = new VBox(4);
        box.setId("interruptedJobs");
        Runnable draw = () -> {
            box.getChildren().clear();
            int i = 0;
            // a few lines at most: many interrupted jobs must not push the destinations and Start away
            for (MapStore.Unfinished u : vm.pending().subList(0, Math.min(MAX_LINES, vm.pending().size()))) {
                Label text = new Label(ResumeViewModel.line(u));
                text.setId("interrupted" + i);
                text.setMaxWidth(Double.MAX_VALUE);
                HBox.setHgrow(text, Priority.ALWAYS);
                Button resume = new Button("Resume");
                resume.setId("interruptedResume" + i);
                resume.setOnAction(e -> fill.accept(u));
                Button discard = new Button("Discard");
                discard.setId("interruptedDiscard" + i);
                discard.setOnAction(e -> vm.discard(u));
                resume.disableProperty().bind(locked);
                discard.disableProperty().bind(locked);
                HBox line = new HBox(6, text, resume, discard);
                line.setAlignment(Pos.CENTER_LEFT);
                box.getChildren().add(line);
                i++;
            }
            String more = ResumeText.more(vm.pending().size() - MAX_LINES);
            if (!more.isEmpty()) {
                Label rest = new Label(more);
                rest.setId("interruptedMore");
                box.getChildren().add(rest);
            }
            box.setVisible(!vm.pending().isEmpty());
            box.setManaged(!vm.pending().isEmpty());
        };
        vm.pending().addListener((ListChangeListener<MapStore.Unfinished>) c -> draw.run());
        draw.run();
        return box;
    }

    /**
     * The offer for the form's job, beside Start: its text (cut with "...", whole in the tooltip)
     * and Resume ({@code resume} starts the job from its map).
     */
    public static Node offer(ResumeViewModel vm, Runnable resume, BooleanExpression locked) {
        Label text = new Label();
        text.setId("resumeOffer");
        text.setWrapText(false);
        text.setMinWidth(0);
        text.setPrefWidth(260);
        text.setMaxWidth(Double.MAX_VALUE);
        text.textProperty().bind(vm.offer());
        javafx.scene.control.Tooltip tip = new javafx.scene.control.Tooltip();
        tip.textProperty().bind(vm.offer());
        text.setTooltip(tip);
        Button button = new Button("Resume");
        button.setId("resume");
        button.setMinWidth(90);
        button.setOnAction(e -> resume.run());
        button.disableProperty().bind(locked.or(vm.forForm().isNull()));
        button.setTooltip(tip);
        HBox box = new HBox(8, text, button);
        box.setAlignment(Pos.CENTER_LEFT);
        HBox.setHgrow(text, Priority.ALWAYS);
        HBox.setHgrow(box, Priority.SOMETIMES);
        box.visibleProperty().bind(vm.forForm().isNotNull().and(locked.not()));
        box.managedProperty().bind(box.visibleProperty());
        return box;
    }
}
