package dev.secureconnect.engineer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.secureconnect.engineer.EngineerException;
import dev.secureconnect.engineer.agent.AgentClient;
import dev.secureconnect.engineer.agent.AgentProtocol;
import dev.secureconnect.engineer.agent.StreamRequest;
import dev.secureconnect.engineer.state.EngineerHome;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code sc-engineer proxy SERIAL PORT} served by the running agent, without the command line's machinery:
 * {@code bin/sc-engineer} starts this first for {@code proxy}, since ssh starts its {@code ProxyCommand} for every
 * connection and waits for it. It loads only the agent's client and this relay (no picocli, no Netty, no TLS), so
 * the first byte comes after a small JVM's start and one request to the agent.
 *
 * <p>When it cannot serve the command it exits with {@value #NOT_SERVED} before reading standard input and the
 * launcher runs the full command with the same arguments: no agent runs (the full command may start one on demand),
 * the agent holds no token for the appliance (the full command opens the stored one, asking for its passphrase, and
 * gives it to the agent), or the arguments are not exactly {@code proxy [--token-passphrase-file F] SERIAL PORT}
 * with a valid serial and port (the full command says what is wrong). Otherwise it behaves as {@link ProxyCommand}
 * through the agent: exit 0 when the stream ended, 1 with one line on standard error when it was refused or failed.
 */
public final class AgentProxy {

    /** The exit code that hands the command to the full command line ({@code EX_TEMPFAIL}). */
    public static final int NOT_SERVED = 75;

    private static final String PASSPHRASE_OPTION = "--token-passphrase-file";

    private AgentProxy() {}

    public static void main(String[] args) {
        System.exit(run(Console.system(), args));
    }

    /** Serves {@code args} through the agent; the exit code, {@value #NOT_SERVED} when it did not. */
    static int run(Console console, String... args) {
        Optional<Target> target = Target.parse(args);
        if (target.isEmpty() || console.agent() == AgentUse.OFF) {
            return NOT_SERVED;
        }
        Optional<AgentClient> connected = AgentClient.connect(EngineerHome.at(console.home()));
        if (connected.isEmpty()) {
            return NOT_SERVED;
        }
        AgentClient agent = connected.get();
        try {
            JsonNode answer = agent.ask(StreamRequest.connect(target.get().port())
                    .toAgent(target.get().serial()));
            if (!answer.path("ok").asBoolean()) {
                agent.close();
                if (AgentProtocol.NO_TOKEN.equals(answer.path("code").asText())) {
                    return NOT_SERVED;
                }
                Cli.failed(console, AgentProtocol.failure(answer));
                return Cli.EXIT_FAILED;
            }
            try (SessionStream stream = new AgentStream(agent, answer, console.timeouts())) {
                ProxyCommand.relay(stream, console);
            }
            return 0;
        } catch (EngineerException e) {
            agent.close();
            Cli.failed(console, e);
            return Cli.EXIT_FAILED;
        } finally {
            console.stdout().flush();
            console.err().flush();
        }
    }

    /** The appliance and port of {@code proxy [--token-passphrase-file F] SERIAL PORT}. */
    record Target(String serial, int port) {

        static Optional<Target> parse(String... args) {
            if (args.length == 0 || !"proxy".equals(args[0])) {
                return Optional.empty();
            }
            List<String> positional = new ArrayList<>();
            for (int i = 1; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals(PASSPHRASE_OPTION) && i + 1 < args.length) {
                    i++; // the agent holds the token: its passphrase is not needed
                } else if (arg.startsWith(PASSPHRASE_OPTION + "=")) {
                    continue;
                } else if (arg.startsWith("-")) {
                    return Optional.empty(); // --help, --version, an option of a later version: the full command
                } else {
                    positional.add(arg);
                }
            }
            if (positional.size() != 2) {
                return Optional.empty();
            }
            try {
                return Optional.of(new Target(
                        EngineerHome.requireSerial(positional.get(0)), PortSpec.remotePort(positional.get(1))));
            } catch (IllegalArgumentException e) {
                return Optional.empty(); // the full command prints the usage error
            }
        }
    }
}
