package dev.secureconnect.engineer.cli;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.engineer.client.Timeouts;
import dev.secureconnect.engineer.state.EngineerHome;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;

/**
 * What a command reads and writes outside its arguments: standard input, standard output as bytes ({@code stdout},
 * for payload: proxy, exec) and as text ({@code out}), standard error, the clock, the state directory, the prompter
 * for secrets, the network timeouts, whether it runs on a terminal (progress lines are drawn only then) and whether
 * commands use the engineer agent ({@code SC_ENGINEER_AGENT}). Tests pass their own (the agent when one runs, never
 * started on demand).
 */
public record Console(
        InputStream in,
        PrintStream stdout,
        PrintWriter out,
        PrintWriter err,
        Clock clock,
        Path home,
        Prompter prompter,
        Timeouts timeouts,
        boolean terminal,
        AgentUse agent) {

    public Console {
        requireNonNull(in, "in");
        requireNonNull(stdout, "stdout");
        requireNonNull(out, "out");
        requireNonNull(err, "err");
        requireNonNull(clock, "clock");
        requireNonNull(home, "home");
        requireNonNull(prompter, "prompter");
        requireNonNull(timeouts, "timeouts");
        requireNonNull(agent, "agent");
    }

    /** The process's streams, the system clock, {@code $SECURECONNECT_HOME} or {@code ~/.secureconnect}. */
    public static Console system() {
        Console console = of(
                System.in,
                System.out,
                new PrintWriter(System.err, true, StandardCharsets.UTF_8),
                Clock.systemUTC(),
                EngineerHome.locate(System.getenv(), System.getProperty("user.home")),
                Prompter.system(),
                Timeouts.DEFAULT);
        // System.console() is there only when standard input and output are both a terminal
        return new Console(
                console.in,
                console.stdout,
                console.out,
                console.err,
                console.clock,
                console.home,
                console.prompter,
                console.timeouts,
                System.console() != null,
                AgentUse.parse(System.getenv(dev.secureconnect.engineer.agent.AgentClient.ENVIRONMENT)));
    }

    /** A console whose text output goes to {@code stdout} too; not a terminal. */
    public static Console of(
            InputStream in,
            PrintStream stdout,
            PrintWriter err,
            Clock clock,
            Path home,
            Prompter prompter,
            Timeouts timeouts) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), true);
        return new Console(in, stdout, out, err, clock, home, prompter, timeouts, false, AgentUse.WHEN_RUNNING);
    }

    /** This console, with the agent started on demand (tests). */
    public Console withAgentOnDemand() {
        return new Console(in, stdout, out, err, clock, home, prompter, timeouts, terminal, AgentUse.ON_DEMAND);
    }

    /** The engineer's state directory. */
    EngineerHome engineerHome() {
        return EngineerHome.at(home);
    }
}
