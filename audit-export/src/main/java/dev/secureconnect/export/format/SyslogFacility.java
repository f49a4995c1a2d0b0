package dev.secureconnect.export.format;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The syslog facilities of RFC 5424 §6.2.1 (codes 0–23). Audit export uses {@link #DEFAULT}, facility 13 "log audit".
 */
public enum SyslogFacility {
    KERN(0, "kern"),
    USER(1, "user"),
    MAIL(2, "mail"),
    DAEMON(3, "daemon"),
    AUTH(4, "auth"),
    SYSLOG(5, "syslog"),
    LPR(6, "lpr"),
    NEWS(7, "news"),
    UUCP(8, "uucp"),
    CRON(9, "cron"),
    AUTHPRIV(10, "authpriv"),
    FTP(11, "ftp"),
    NTP(12, "ntp"),
    AUDIT(13, "audit"),
    ALERT(14, "alert"),
    CLOCK(15, "clock"),
    LOCAL0(16, "local0"),
    LOCAL1(17, "local1"),
    LOCAL2(18, "local2"),
    LOCAL3(19, "local3"),
    LOCAL4(20, "local4"),
    LOCAL5(21, "local5"),
    LOCAL6(22, "local6"),
    LOCAL7(23, "local7");

    /** Facility 13, "log audit": where audit records belong. */
    public static final SyslogFacility DEFAULT = AUDIT;

    private final int code;
    private final String label;

    SyslogFacility(int code, String label) {
        this.code = code;
        this.label = label;
    }

    /** The numeric facility (0–23) that goes into PRI. */
    public int code() {
        return code;
    }

    /** The lower-case name, as settings spell it: {@code audit}, {@code local3}. */
    public String label() {
        return label;
    }

    /**
     * Reads a facility from settings: a name ({@code auth}, {@code authpriv}, {@code local0}..{@code local7},
     * {@code audit} or {@code log-audit}, any case) or its number 0–23.
     *
     * @throws IllegalArgumentException naming the value and the choices
     */
    public static SyslogFacility parse(String text) {
        String value = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (!value.isEmpty() && value.chars().allMatch(Character::isDigit) && value.length() <= 2) {
            int number = Integer.parseInt(value);
            if (number <= 23) {
                return values()[number];
            }
        }
        if (value.equals("log-audit") || value.equals("log_audit")) {
            return AUDIT;
        }
        for (SyslogFacility facility : values()) {
            if (facility.label.equals(value)) {
                return facility;
            }
        }
        throw new IllegalArgumentException("facility: '" + text + "' (expected: 0-23 or one of "
                + Arrays.stream(values()).map(SyslogFacility::label).collect(Collectors.joining(", ")) + ")");
    }

    /** The facility with numeric {@code code}. */
    public static SyslogFacility of(int code) {
        if (code < 0 || code > 23) {
            throw new IllegalArgumentException("facility: " + code + " (expected: 0-23)");
        }
        return values()[code];
    }
}
