package dev.secureconnect.export;

/** Events were not accepted by a destination; the message says why in one line, without secrets. */
public final class DeliveryException extends Exception {

    public DeliveryException(String message) {
        super(message);
    }

    public DeliveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
