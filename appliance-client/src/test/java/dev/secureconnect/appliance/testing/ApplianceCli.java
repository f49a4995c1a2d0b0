package dev.secureconnect.appliance.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.appliance.cli.Cli;
import dev.secureconnect.appliance.cli.Console;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;

/** Runs {@code sc-appliance} in-process with captured output, as local user {@value #USER}. */
public final class ApplianceCli {

    public static final String USER = "test-admin";

    private ApplianceCli() {}

    /** What one command line did. */
    public record Result(int exitCode, String out, String err) {
        /** The one error line, without the {@code sc-appliance: } prefix. */
        public String error() {
            assertThat(err.lines().count())
                    .as("stderr has exactly one line: %s", err)
                    .isEqualTo(1);
            assertThat(err).startsWith("sc-appliance: ");
            return err.strip().substring("sc-appliance: ".length());
        }
    }

    public static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cli.run(
                new Console(new PrintWriter(out, true), new PrintWriter(err, true), Clock.systemUTC(), USER), args);
        return new Result(code, out.toString(), err.toString());
    }

    /** Runs a command that must succeed. */
    public static Result ok(String... args) {
        Result result = run(args);
        assertThat(result.exitCode())
                .as("sc-appliance %s\nstdout: %s\nstderr: %s", String.join(" ", args), result.out(), result.err())
                .isZero();
        assertThat(result.err()).as("stderr of sc-appliance %s", args[0]).isEmpty();
        return result;
    }
}
