package dev.secureconnect.server.cli;

/** A command that cannot be carried out as given; the message says what to do instead. */
final class CliException extends RuntimeException {
    CliException(String message) {
        super(message);
    }

    CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
