package dev.secureconnect.events;

/** RFC 5424 severities, as audit events and syslog export use them. */
public enum Severity {
    EMERGENCY(0),
    ALERT(1),
    CRITICAL(2),
    ERROR(3),
    WARNING(4),
    NOTICE(5),
    INFORMATIONAL(6),
    DEBUG(7);

    private final int code;

    Severity(int code) {
        this.code = code;
    }

    /** The RFC 5424 numeric severity (0 = most severe). */
    public int code() {
        return code;
    }
}
