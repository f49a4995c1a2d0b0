package dev.secureconnect.reports;

/**
 * A report that cannot be built or rendered: no record of the session, an unknown format, a template folder or
 * template that cannot be used. The message is one line, safe to print, and names the session, file and line.
 */
public class ReportException extends RuntimeException {

    public ReportException(String message) {
        super(message);
    }

    public ReportException(String message, Throwable cause) {
        super(message, cause);
    }
}
