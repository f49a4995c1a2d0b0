package dev.secureconnect.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class ToolCommandLineTest {

    @Command(
            name = "sc-test",
            mixinStandardHelpOptions = true,
            scope = CommandLine.ScopeType.INHERIT,
            versionProvider = ManifestVersion.class,
            subcommands = {Parent.class, Fail.class})
    static final class Root implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
        }
    }

    @Command(name = "parent", subcommands = Child.class)
    static final class Parent {}

    @Command(name = "child")
    static final class Child implements Runnable {
        @Override
        public void run() {}
    }

    @Command(name = "fail")
    static final class Fail implements Runnable {
        @CommandLine.Option(names = "--expected")
        boolean expected;

        @Override
        public void run() {
            if (expected) {
                throw new IllegalArgumentException("no such thing\nreally");
            }
            throw new IllegalStateException("broken");
        }
    }

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = new CommandLine(new Root());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return ToolCommandLine.execute(cli, Failures.of("sc-test", IllegalArgumentException.class), args);
    }

    @Test
    void anUnknownSubcommandIsAUsageErrorEvenWithHelp() {
        assertThat(run("nosuch")).isEqualTo(2);
        assertThat(run("nosuch", "--help")).isEqualTo(2);
        assertThat(run("parent", "nosuch", "--help")).isEqualTo(2);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString().lines()).hasSize(3).allMatch(line -> line.startsWith("sc-test: Unmatched argument"));
        assertThat(err.toString()).contains("'nosuch'", "(see 'sc-test parent --help')");
    }

    @Test
    void helpOfAKnownSubcommandStillWorks() {
        assertThat(run("parent", "child", "--help")).isZero();
        assertThat(out.toString()).contains("Usage: sc-test parent child", "--debug");
        assertThat(run("parent", "child")).isZero();
    }

    @Test
    void aParentWithoutASubcommandIsAUsageError() {
        assertThat(run("parent")).isEqualTo(2);
        assertThat(run()).isEqualTo(2);
        assertThat(err.toString()).contains("sc-test: a command is required");
    }

    @Test
    void anExpectedFailureIsOneLine() {
        assertThat(run("fail", "--expected", "--debug")).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("sc-test: no such thing; really" + System.lineSeparator());
    }

    @Test
    void anUnexpectedFailureIsOneLineWithoutDebug() {
        assertThat(run("fail")).isEqualTo(1);
        assertThat(err.toString())
                .isEqualTo("sc-test: unexpected failure: java.lang.IllegalStateException: broken"
                        + System.lineSeparator());
    }

    @Test
    void debugPrintsTheStackTraceOfAnUnexpectedFailure() {
        assertThat(run("fail", "--debug")).isEqualTo(1);
        assertThat(err.toString())
                .startsWith("sc-test: unexpected failure: java.lang.IllegalStateException: broken")
                .contains("\tat dev.secureconnect.cli.ToolCommandLineTest$Fail.run");
        err.getBuffer().setLength(0);
        assertThat(run("--debug", "fail")).isEqualTo(1);
        assertThat(err.toString()).contains("\tat dev.secureconnect.cli.ToolCommandLineTest$Fail.run");
    }

    @Test
    void versionComesFromTheManifest() {
        assertThat(run("--version")).isZero();
        assertThat(out.toString()).isEqualTo("sc-test development" + System.lineSeparator());
    }
}
