package org.kclone.ui;

import java.nio.file.Path;
import java.util.List;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.binding.BooleanExpression;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TitledPane;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.StackPane;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.StringBinding;
import javafx.scene.layout.Priority;
import org.kclone.ui.log.LogBuffer;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import javafx.util.Duration;
import org.kclone.device.CopyPlanner;
import org.kclone.device.DeviceInfo;
import org.kclone.device.RefusedException;
import org.kclone.device.resume.MapStore;

/**
 * The window: device tree on the left and source and options on the right above; destinations and
 * the job as one table below, full width.
 * Thin: every decision is a ViewModel's; the parts are built by their own classes
 * ({@link DeviceTreeView}, {@link PartitionMapView}, {@link SourceView}, {@link OptionsPane}, {@link DestinationsView},
 * {@link ProgressView}),
 * and this class ties them together, locks the setup while a job runs, and starts a job.
 */
public final class MainWindow {

    /** Progress reaches the screen from one timeline: at most this many updates a second. */
    static final int UPDATES_PER_SECOND = 30;

    private final DeviceTableViewModel deviceVm;
    private final SourceViewModel sourceVm;
    private final DestinationsViewModel destVm;
    private final JobViewModel jobVm = new JobViewModel();
    private final BorderPane root = new BorderPane();
    private final ProgressView progress = new ProgressView(jobVm);
    private final Timeline ticker;
    private final HBox startCancel = new HBox(8);
    /** Duplicator mode: every drive plugged in while armed gets the source (ui/duplicator). */
    private final org.kclone.ui.duplicator.DuplicatorViewModel dupVm;
    private final DetailsPane details;
    private final LogBuffer log;
    private final javafx.beans.binding.BooleanBinding tickerWanted;
    /** Interrupted jobs: the start-up lines and the offer beside Start (issue 12). */
    private final org.kclone.ui.resume.ResumeViewModel resumeVm = new org.kclone.ui.resume.ResumeViewModel(
            org.kclone.device.resume.MapStore.user(System.getenv()), org.kclone.ui.resume.ResumeView.background(),
            javafx.application.Platform::runLater);

    public MainWindow(DeviceTableViewModel deviceVm) {
        this(deviceVm, new LogBuffer());
    }

    /** {@code log}: lines for the Details pane from elsewhere (the app tees its stderr into it). */
    public MainWindow(DeviceTableViewModel deviceVm, LogBuffer log) {
        this.deviceVm = deviceVm;
        this.sourceVm = new SourceViewModel(deviceVm::roots);
        sourceVm.runResultsOn(javafx.application.Platform::runLater); // a measuring pass's result
        this.destVm = new DestinationsViewModel(sourceVm, deviceVm::roots);
        sourceVm.valid().addListener((o, a, b) -> destVm.validate());
        sourceVm.summary().addListener((o, a, b) -> destVm.validate());
        sourceVm.summary().addListener((o, a, b) -> jobVm.sourceChanged(sourceVm.resolvedSource()));
        deviceVm.devices().addListener((ListChangeListener<DeviceInfo>) c -> {
            sourceVm.validate();
            destVm.validate();
        });
        deviceVm.askedRefreshes().addListener((o, a, b) -> { // what lsblk does not show may have changed
            sourceVm.validate();
            destVm.validate();
        });
        this.details = new DetailsPane(log);
        this.log = log;
        jobVm.launcher(JobLauncher.automatic(log::append)); // the helper's (and pkexec's) stderr lines: Details
        ticker = new Timeline(new KeyFrame(Duration.millis(1000.0 / UPDATES_PER_SECOND), e -> {
            jobVm.poll();
            details.poll(jobVm); // after the job's poll: the states it just set, the job's last ones included
        }));
        ticker.setCycleCount(Timeline.INDEFINITE);
        // the one timer runs while a job runs, or while the Details pane is open (lines may come between jobs)
        tickerWanted = jobVm.running().or(details.expanded()); // a field: a binding only listened to is collected
        tickerWanted.addListener((o, was, now) -> {
            if (now) {
                ticker.play();
            } else {
                ticker.stop();
            }
        });
        jobVm.problem().addListener((o, was, now) -> {
            if (now != null && root.getScene() != null) {
                // show(), not showAndWait(): this comes from the timer's poll, during an animation pulse
                Alert a = new Alert(Alert.AlertType.ERROR, now);
                a.initOwner(root.getScene().getWindow());
                a.setHeaderText("The job did not run to its end");
                a.getDialogPane().setId("jobProblem");
                a.show();
            }
        });
        dupVm = new org.kclone.ui.duplicator.DuplicatorViewModel(deviceVm::discoverNow,
                org.kclone.ui.duplicator.DriveStarter.inProcess(new org.kclone.device.hotplug.SharedEngine(2048,
                        org.kclone.engine.KcopydConfig.DEFAULT), () -> jobVm.settings(0,
                                java.util.EnumSet.of(org.kclone.engine.KcopydFlag.DROP_FAILED_DESTINATIONS), true)),
                Reasons::forTheWindow);
        BooleanExpression locked = jobVm.running();
        Label lockedNote = new Label("The setup is locked while the job runs.");
        lockedNote.setId("lockedNote");
        lockedNote.visibleProperty().bind(locked);
        lockedNote.managedProperty().bind(locked);
        // No window-level scrolling: the setup column above, destinations and progress as one table below
        // taking the height left, the Details pane under it; lists scroll inside their own panes.
        org.kclone.ui.resume.ResumeView.watch(resumeVm, sourceVm, destVm, locked);
        // duplicator mode sits under the source it writes, where the column has room for ten drives' rows
        javafx.scene.control.TitledPane duplicator =
                org.kclone.ui.duplicator.DuplicatorView.build(dupVm, sourceVm::spec, sourceVm::bytes, UPDATES_PER_SECOND);
        VBox right = new VBox(8, SourceView.build(sourceVm, locked, root), optionsPane(locked), lockedNote, duplicator);
        VBox.setVgrow(duplicator, Priority.ALWAYS);
        duplicator.setPrefWidth(300); // its table's columns do not widen the column (the tree keeps its share)
        right.setId("right");
        right.setPadding(new Insets(0, 4, 0, 0));
        Node tree = DeviceTreeView.build(deviceVm, sourceVm, destVm, locked);
        VBox left = new VBox(4, tree);
        VBox.setVgrow(tree, Priority.ALWAYS);
        SplitPane split = new SplitPane(left, right);
        split.setId("mainSplit");
        split.setDividerPositions(0.45);
        // a narrow window moves the divider left rather than cutting the right side off
        split.widthProperty().addListener((o, was, w) -> {
            double fits = 1 - (right.prefWidth(-1) + 12) / w.doubleValue();
            if (w.doubleValue() > 0 && split.getDividerPositions()[0] > fits) {
                split.setDividerPositions(Math.max(0.2, fits));
            }
        });
        // Destinations and progress as one table, full width below, taking the height left (issue 10)
        SetupRows setupRows = new SetupRows(destVm, jobVm, deviceVm::roots);
        setupRows.watchSource(sourceVm); // each row's strip of what will be overwritten
        deviceVm.devices().addListener((ListChangeListener<DeviceInfo>) c -> setupRows.describe());
        Parent table = progress.build(DestinationsView.build(destVm, locked), startCancel, locked, setupRows::remove);
        VBox job = new VBox(4, org.kclone.ui.resume.ResumeView.pending(resumeVm,
                u -> org.kclone.ui.resume.ResumeView.fill(u, sourceVm, destVm), locked), table, details.node());
        VBox.setVgrow(table, Priority.ALWAYS);
        job.setMinHeight(0);
        SplitPane vertical = new SplitPane(split, job);
        vertical.setOrientation(javafx.geometry.Orientation.VERTICAL);
        vertical.setDividerPositions(0.36);
        SplitPlacement.install(root, vertical, left, right, jobVm, details, sourceVm, deviceVm,
                duplicator.expandedProperty());
        root.setCenter(vertical);
        root.getStyleClass().add("kclone");
        root.sceneProperty().addListener((o, was, scene) -> {
            if (scene != null) {
                // Ctrl+R refreshes the device list, as the Refresh button does
                scene.getAccelerators().put(new KeyCodeCombination(KeyCode.R, KeyCombination.SHORTCUT_DOWN), () -> {
                    if (root.lookup("#refresh") instanceof Button refresh && !refresh.isDisabled()) {
                        refresh.fire();
                    }
                });
            }
        });
    }

    /**
     * Remembers the options and the last image folder in {@code prefs} (the app's; tests do not call
     * this, so they never touch the user's preferences).
     */
    public void remember(org.kclone.ui.prefs.WindowPrefs prefs) {
        prefs.bindOptions(jobVm.verify(), jobVm.probe(), jobVm.limit(), t -> FormChecks.limitError(t).isEmpty());
        ImageFileChoosers.remember(prefs);
    }

    public Parent root() {
        return root;
    }

    public JobViewModel job() {
        return jobVm;
    }

    /** Where lines for the Details pane go (the helper's standard error among them). */
    java.util.function.Consumer<String> detailsLog() {
        return log::append;
    }

    DestinationsViewModel destinations() {
        return destVm;
    }

    /**
     * Asks before the window closes during a job; quitting then cancels, waits for the flush, saves
     * the report in {@code reportDir} and calls {@code exit}.
     */
    public void guardClose(Stage stage, Path reportDir, Runnable exit) {
        new CloseGuard(jobVm, reportDir, exit).install(stage);
    }

    // ---- options, start, cancel ------------------------------------------------------------

    /** The Options pane ({@link OptionsPane}); fills {@link #startCancel}, the Start and Cancel bar beside the table. */
    private Parent optionsPane(BooleanExpression locked) {
        StringBinding limitError = Bindings.createStringBinding(() -> FormChecks.limitError(jobVm.limit().get()),
                jobVm.limit());
        Parent options = OptionsPane.build(jobVm, destVm, locked, limitError);
        Button start = new Button("Start");
        start.setId("start");
        start.getStyleClass().add("start");
        start.disableProperty().bind(sourceVm.valid().not().or(destVm.valid().not()).or(limitError.isNotEmpty())
                .or(locked));
        start.setDefaultButton(true); // Enter starts from a valid form (the add field's Enter adds instead)
        start.setOnAction(e -> startClicked(false));
        // What holds Start back, row by row: a tooltip (on a wrapper: a disabled button shows none) and a line.
        StringBinding blockers = Bindings.createStringBinding(
                () -> String.join("\n", FormChecks.blockers(sourceVm, destVm, jobVm.limit().get())),
                sourceVm.valid(), sourceVm.pathError(), sourceVm.startError(), sourceVm.lengthError(), destVm.rows(),
                jobVm.limit());
        Label startStatus = new Label();
        startStatus.setId("startStatus");
        startStatus.getStyleClass().add("start-status");
        startStatus.setWrapText(false); // one line, cut with "...": the whole list is in the tooltips
        startStatus.setMinWidth(0);
        startStatus.setMaxWidth(Double.MAX_VALUE);
        startStatus.setPrefWidth(260); // cut with "..." before the add bar is: the whole list is in its tooltip
        startStatus.textProperty().bind(Bindings.createStringBinding(() -> locked.get() ? ""
                : FormChecks.statusLine(FormChecks.blockers(sourceVm, destVm, jobVm.limit().get())), blockers, locked));
        startStatus.visibleProperty().bind(startStatus.textProperty().isNotEmpty());
        startStatus.managedProperty().bind(startStatus.textProperty().isNotEmpty());
        Tooltip why = new Tooltip();
        why.textProperty().bind(blockers);
        why.setWrapText(true);
        why.setMaxWidth(600);
        StackPane startHolder = new StackPane(start);
        startHolder.setId("startHolder");
        blockers.addListener((o, a, b) -> Tooltip.install(startHolder, b.isEmpty() ? null : why));
        if (!blockers.get().isEmpty()) {
            Tooltip.install(startHolder, why);
        }
        startStatus.setTooltip(why);
        Button cancel = new Button("Cancel");
        cancel.setId("cancel");
        cancel.disableProperty().bind(locked.not());
        cancel.setOnAction(e -> {
            if (Questions.stopWriting(root.getScene().getWindow())) {
                jobVm.cancel();
            }
            progress.focusTarget().requestFocus();
        });
        start.setMinWidth(90);
        cancel.setMinWidth(90);
        // beside the table, always in view; the status before the buttons, so they do not move when it goes
        startCancel.getChildren().setAll(startStatus, org.kclone.ui.resume.ResumeView.offer(resumeVm,
                () -> startClicked(true), locked), startHolder, WhyDisabled.explain(cancel,
                Bindings.createStringBinding(() -> DisabledReasons.cancel(locked.get()), locked)));
        startCancel.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        HBox.setHgrow(startStatus, Priority.SOMETIMES);
        return options;
    }

    /** {@code resume}: continue the form's interrupted job from its map; else copy everything. */
    private void startClicked(boolean resume) {
        CopyPlanner.Plan confirmed;
        try {
            jobVm.limitBytes();
            confirmed = destVm.plan();
        } catch (RefusedException e) {
            destVm.validate();
            refuse(e, "Not started");
            return;
        }
        MapStore.Unfinished interrupted = resume ? resumeVm.forForm().get() : null;
        if (!ConfirmationDialog.ask(root.getScene().getWindow(), confirmed,
                interrupted == null ? null : org.kclone.ui.resume.ResumeText.confirming(interrupted))) {
            return;
        }
        // The person may have waited at the question: discover again, now, and plan again from the same
        // rows; every guard runs again, and the targets must be those that were confirmed.
        CopyPlanner.Plan fresh;
        try {
            List<DeviceInfo> now = deviceVm.discoverNow();
            fresh = destVm.plan(now);
            fresh.checkUnchangedSince(confirmed);
        } catch (RefusedException e) {
            refuse(e, "Not started: something changed after the confirmation");
            return;
        } catch (Exception e) {
            alert("Not started: cannot list the devices again (" + e.getMessage() + "). Nothing was written.");
            return;
        }
        try {
            jobVm.start(fresh, resume);
            resumeVm.jobStarted(fresh); // its interrupted-job line goes while it runs
            details.jobStarted(ConfirmationDialog.lines(fresh));
        } catch (RefusedException e) {
            // e.g. no permission to open a device: say it plainly on the row, with what to do
            refuse(e, "Not started");
            return;
        }
        // Not on Cancel, not on Start: a second Enter must not stop (or start) anything.
        progress.focusTarget().requestFocus();
    }

    /** Marks the refused row and says why, naming the row. */
    private void refuse(RefusedException e, String header) {
        String row = e.field();
        for (int i = 0; i < destVm.rows().size(); i++) {
            if (e.field().equals("DEST " + (i + 1))) {
                destVm.rows().get(i).error().set(e.reason());
                row = "Destination " + (i + 1) + " (" + destVm.rows().get(i).path().get() + ")";
            }
        }
        if ("SOURCE".equals(e.field())) {
            row = "Source (" + sourceVm.path().get() + ")";
        }
        Alert a = new Alert(Alert.AlertType.ERROR, row + ": " + e.reason());
        a.initOwner(root.getScene().getWindow());
        a.setHeaderText(header);
        a.getDialogPane().setId("refusal");
        a.showAndWait();
    }

    private void alert(String text) {
        Alert a = new Alert(Alert.AlertType.ERROR, text);
        a.initOwner(root.getScene().getWindow());
        a.getDialogPane().setId("refusal");
        a.showAndWait();
    }

    static TitledPane titled(String title, Parent content) {
        TitledPane t = new TitledPane(title, content);
        t.setCollapsible(false);
        t.setFocusTraversable(false); // a title that does nothing is no stop for Tab
        return t;
    }

    /** Looks for interrupted jobs' maps (the app, once its window shows; tests call it when they want the lines). */
    public void lookForInterruptedJobs() {
        resumeVm.scan();
    }

    /** Stops background work (device watch). */
    public void close() {
        deviceVm.stopWatching();
        ticker.stop();
        dupVm.close();
    }
}
