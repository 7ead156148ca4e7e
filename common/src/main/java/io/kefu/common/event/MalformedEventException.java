package io.kefu.common.event;

/** An event that cannot be read; retrying cannot help, so it goes straight to the dead-letter queue. */
public class MalformedEventException extends RuntimeException {

    public MalformedEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
