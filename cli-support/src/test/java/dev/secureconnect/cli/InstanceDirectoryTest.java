package dev.secureconnect.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

class InstanceDirectoryTest {

    @Command(
            name = "tool",
            subcommands = {Show.class})
    static final class Tool {}

    @Command(name = "show")
    static final class Show implements Callable<Integer> {
        @Option(names = "--dir", required = true)
        Path dir;

        @Option(names = "--other-dir")
        Path other;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getOut().print(dir + " " + other);
            return 0;
        }
    }

    @Test
    void withoutSCDirTheRoleHasAFolderUnderVarLib() {
        assertThat(InstanceDirectory.of("server", Map.of()).directory())
                .isEqualTo(Path.of("/var/lib/secureconnect/server"));
        assertThat(InstanceDirectory.of("appliance", Map.of("SC_DIR", " ")).directory())
                .isEqualTo(Path.of("/var/lib/secureconnect/appliance"));
    }

    @Test
    void scDirOverridesTheDefault() {
        assertThat(InstanceDirectory.of("server", Map.of("SC_DIR", "/srv/sc")).directory())
                .isEqualTo(Path.of("/srv/sc"));
    }

    @Test
    void aRequiredDirIsDefaultedAnExplicitOneWinsAndAnOptionalOneIsLeftAlone() {
        assertThat(run("show")).isEqualTo("/srv/sc null");
        assertThat(run("show", "--dir", "/elsewhere")).isEqualTo("/elsewhere null");
    }

    private static String run(String... args) {
        CommandLine cli = new CommandLine(new Tool());
        cli.setDefaultValueProvider(InstanceDirectory.of("server", Map.of("SC_DIR", "/srv/sc")));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err, true));
        assertThat(cli.execute(args)).as(err::toString).isZero();
        cli.getOut().flush();
        return out.toString();
    }
}
