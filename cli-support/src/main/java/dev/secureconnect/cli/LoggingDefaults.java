package dev.secureconnect.cli;

/**
 * Logging of an sc-* tool (slf4j-simple, on standard error), set before the first logger is made. Each setting is a
 * default: a {@code -Dorg.slf4j.simpleLogger...} the caller gave wins.
 */
public final class LoggingDefaults {

    private static final String PREFIX = "org.slf4j.simpleLogger.";

    private LoggingDefaults() {}

    /** A daemon's operator log: INFO with the time, Netty's own only when it warns. */
    public static void daemon() {
        setIfAbsent("defaultLogLevel", "info");
        setIfAbsent("showDateTime", "true");
        setIfAbsent("dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        setIfAbsent("showThreadName", "false");
        setIfAbsent("showShortLogName", "true");
        setIfAbsent("log.io.netty", "warn");
    }

    /** A command that prints its result: warnings only, on standard error (standard output carries the result). */
    public static void command() {
        setIfAbsent("defaultLogLevel", "warn");
        setIfAbsent("logFile", "System.err");
        setIfAbsent("showShortLogName", "true");
        setIfAbsent("showThreadName", "false");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(PREFIX + key) == null) {
            System.setProperty(PREFIX + key, value);
        }
    }
}
