package dev.secureconnect.engineer.testing;

import dev.secureconnect.engineer.EngineerException;
import dev.secureconnect.engineer.cli.Cli;
import dev.secureconnect.engineer.cli.Console;
import dev.secureconnect.engineer.cli.Prompter;
import dev.secureconnect.engineer.client.Timeouts;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * Runs {@code sc-engineer} in-process against a state directory, with captured standard output and error, no terminal
 * (every secret comes from a file) and short timeouts.
 */
public final class EngineerCli {

    public static final Timeouts TEST_TIMEOUTS =
            new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(10));

    /** Refuses to ask: tests give every secret in a file. */
    public static final Prompter NO_TERMINAL = (prompt, alternative) -> {
        throw new EngineerException("there is no terminal to ask for it: " + alternative);
    };

    private final Path home;
    private Clock clock = Clock.systemUTC();
    private boolean agentOnDemand;

    public EngineerCli(Path home) {
        this.home = home;
    }

    public EngineerCli withClock(Clock other) {
        this.clock = other;
        return this;
    }

    /** A copy whose commands start the agent when none runs, as {@code SC_ENGINEER_AGENT=auto} does outside tests. */
    public EngineerCli withAgentOnDemand() {
        EngineerCli copy = new EngineerCli(home).withClock(clock);
        copy.agentOnDemand = true;
        return copy;
    }

    /**
     * Logs in to {@code server} with the identity in {@code files} (its passphrase file saved), then gets a token for
     * SN-1 on ticket 12345678; fails the test if either does not work.
     */
    public EngineerCli loggedInWithToken(TestEngineerServer server, IdentityFiles files) {
        Run login = run(
                "login",
                "--server",
                server.address(),
                "--identity",
                files.p12().toString(),
                "--totp-code",
                TestEngineerServer.TOTP,
                "--p12-passphrase-file",
                files.p12Passphrase().toString());
        if (login.exitCode() != 0) {
            throw new AssertionError("login failed: " + login);
        }
        Run access = run(
                "access",
                "SN-1",
                "--ticket",
                "12345678",
                "--token-passphrase-file",
                files.tokenPassphrase().toString());
        if (access.exitCode() != 0) {
            throw new AssertionError("access failed: " + access);
        }
        return this;
    }

    /** The result of one run. */
    public record Run(int exitCode, byte[] stdoutBytes, String err) {
        public String out() {
            return new String(stdoutBytes, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\nstdout: " + out() + "\nstderr: " + err;
        }
    }

    public Run run(String... args) {
        return run(new ByteArrayInputStream(new byte[0]), args);
    }

    public Run run(InputStream stdin, String... args) {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        return run(stdin, stdout, args);
    }

    public Run run(InputStream stdin, ByteArrayOutputStream stdout, String... args) {
        StringWriter err = new StringWriter();
        Console console = Console.of(
                stdin,
                new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintWriter(err, true),
                clock,
                home,
                NO_TERMINAL,
                TEST_TIMEOUTS);
        int code = Cli.run(agentOnDemand ? console.withAgentOnDemand() : console, args);
        return new Run(code, stdout.toByteArray(), err.toString());
    }

    /** Like {@link #run}, with standard error into {@code err} as it is written (for commands that run until stopped). */
    public int runLive(ByteArrayOutputStream stdout, StringBuffer err, String... args) {
        Writer writer = new Writer(err);
        Console console = Console.of(
                new ByteArrayInputStream(new byte[0]),
                new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintWriter(writer, true),
                clock,
                home,
                NO_TERMINAL,
                TEST_TIMEOUTS);
        return Cli.run(agentOnDemand ? console.withAgentOnDemand() : console, args);
    }

    private static final class Writer extends java.io.Writer {
        private final StringBuffer target;

        Writer(StringBuffer target) {
            this.target = target;
        }

        @Override
        public void write(char[] buffer, int offset, int length) {
            target.append(buffer, offset, length);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }
}
