package org.kclone.ui;

/** A guard's refusal as the window says it: the CLI's options it names do not exist here. */
final class Reasons {

    private Reasons() {
    }

    /** {@code reason} without the pointer to {@code --force}, which the window does not offer. */
    static String forTheWindow(String reason) {
        return reason.replace(" (or --force)", "");
    }
}
