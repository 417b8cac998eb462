package org.kclone.ui;

import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;

/** The JavaFX application: one window. */
public final class KcloneApp extends Application {

    private MainWindow window;

    /** Opens the window (from {@link org.kclone.Main} when there are no arguments). */
    public static void launchApp(String[] args) {
        Application.launch(KcloneApp.class, args);
    }

    @Override
    public void start(Stage stage) {
        DeviceTableViewModel devices = new DeviceTableViewModel(DeviceTableViewModel.lsblk(), Platform::runLater);
        // no decompression pass on the toolkit thread: a gzip/bzip2 source there needs its Length
        org.kclone.device.image.compress.CompressedImages.allowMeasuring(false);
        window = new MainWindow(devices);
        Scene scene = new Scene(window.root(), 1200, 760);
        scene.getStylesheets().add(KcloneApp.class.getResource("/org/kclone/ui/kclone.css").toExternalForm());
        stage.setTitle("kclone");
        stage.setMinWidth(900);
        stage.setMinHeight(600);
        stage.setWidth(1200);
        stage.setHeight(760);
        stage.setScene(scene);
        window.guardClose(stage, java.nio.file.Path.of(System.getProperty("user.home")), Platform::exit);
        stage.show();
        devices.startWatching();
    }

    @Override
    public void stop() {
        if (window != null) {
            window.close();
        }
    }
}
