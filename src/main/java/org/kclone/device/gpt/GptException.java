package org.kclone.device.gpt;

/** A GPT structure that is not valid; the message says what is wrong with it. */
public final class GptException extends Exception {

    public GptException(String message) {
        super(message);
    }
}
