package org.kclone.ui;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import javafx.application.Application;
import javafx.geometry.Rectangle2D;
import javafx.stage.Screen;
import javafx.stage.WindowEvent;
import org.kclone.ui.log.LineTee;
import org.kclone.ui.log.LogBuffer;
import org.kclone.ui.prefs.WindowPrefs;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;

/** The JavaFX application: one window. */
public final class KcloneApp extends Application {

    /** The size the window opens at the first time; it then opens at the size it was left at. */
    static final WindowPrefs.Size DEFAULT_SIZE = new WindowPrefs.Size(1200, 760);
    /** Below this the window's parts no longer fit: the window cannot be made smaller. */
    static final WindowPrefs.Size MIN_SIZE = new WindowPrefs.Size(960, 720);

    private MainWindow window;
    private Stage stage;
    private WindowPrefs prefs;

    /** Opens the window (from {@link org.kclone.Main} when there are no arguments). */
    public static void launchApp(String[] args) {
        Application.launch(KcloneApp.class, args);
    }

    @Override
    public void start(Stage stage) {
        DeviceTableViewModel devices = new DeviceTableViewModel(DeviceTableViewModel.lsblk(), Platform::runLater);
        // no decompression pass on the toolkit thread: a gzip/bzip2 source there needs its Length
        org.kclone.device.image.compress.CompressedImages.allowMeasuring(false);
        // what kclone prints to stderr (SLF4J simple's lines among it) also reaches the Details pane
        LogBuffer log = new LogBuffer();
        System.setErr(new PrintStream(new LineTee(new FileOutputStream(FileDescriptor.err), log), true,
                Charset.defaultCharset()));
        window = new MainWindow(devices, log);
        WindowPrefs prefs = WindowPrefs.user();
        window.remember(prefs);
        Rectangle2D screen = Screen.getPrimary().getVisualBounds();
        WindowPrefs.Size size = prefs.size(DEFAULT_SIZE, MIN_SIZE, new WindowPrefs.Size(screen.getWidth(),
                screen.getHeight()));
        Scene scene = new Scene(window.root(), size.width(), size.height());
        scene.getStylesheets().add(KcloneApp.class.getResource("/org/kclone/ui/kclone.css").toExternalForm());
        stage.setTitle("kclone");
        stage.setMinWidth(MIN_SIZE.width());
        stage.setMinHeight(MIN_SIZE.height());
        stage.setWidth(size.width());
        stage.setHeight(size.height());
        stage.setScene(scene);
        // remembered when the window goes (the size the person left it at, not each step of a drag)
        stage.addEventHandler(WindowEvent.WINDOW_HIDING, e -> prefs.rememberSize(stage.getWidth(), stage.getHeight()));
        this.stage = stage;
        this.prefs = prefs;
        window.guardClose(stage, java.nio.file.Path.of(System.getProperty("user.home")), Platform::exit);
        stage.show();
        // A window manager may map the window at its minimum size whatever was asked before show():
        // ask again once it is on screen.
        stage.setWidth(size.width());
        stage.setHeight(size.height());
        devices.startWatching();
        window.lookForInterruptedJobs();
    }

    @Override
    public void stop() {
        if (window != null) {
            window.close();
        }
        if (stage != null && prefs != null && !stage.isIconified()) {
            prefs.rememberSize(stage.getWidth(), stage.getHeight()); // Platform.exit() hides no window
        }
    }
}
