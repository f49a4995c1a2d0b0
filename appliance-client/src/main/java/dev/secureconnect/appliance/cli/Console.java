package dev.secureconnect.appliance.cli;

import static java.util.Objects.requireNonNull;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * What a command writes to and reads outside its arguments: standard output and error, the clock, and the local user
 * it runs as (the actor of the audit events it writes). Tests pass their own.
 */
public record Console(PrintWriter out, PrintWriter err, Clock clock, String user) {

    public Console {
        requireNonNull(out, "out");
        requireNonNull(err, "err");
        requireNonNull(clock, "clock");
        requireNonNull(user, "user");
    }

    public static Console system() {
        return new Console(
                new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                new PrintWriter(System.err, true, StandardCharsets.UTF_8),
                Clock.systemUTC(),
                System.getProperty("user.name", "unknown"));
    }
}
