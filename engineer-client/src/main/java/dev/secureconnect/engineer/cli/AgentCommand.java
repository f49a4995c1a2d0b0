package dev.secureconnect.engineer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.secureconnect.cli.TextTable;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.crypto.token.SignedAccessToken;
import dev.secureconnect.engineer.EngineerException;
import dev.secureconnect.engineer.ScEngineer;
import dev.secureconnect.engineer.agent.AgentClient;
import dev.secureconnect.engineer.agent.AgentProtocol;
import dev.secureconnect.engineer.agent.EngineerAgent;
import dev.secureconnect.engineer.agent.PeerCheck;
import dev.secureconnect.engineer.client.Identity;
import dev.secureconnect.engineer.state.EngineerHome;
import dev.secureconnect.engineer.state.SavedSession;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code agent}: the engineer agent ({@link EngineerAgent}) — start it, run it in the foreground, stop it, show what
 * it holds, give it a token.
 */
@Command(
        name = "agent",
        description = "The engineer agent: holds your identity, your opened access tokens (each"
                + " passphrase asked once) and a warm connection to the server for this login session, so that proxy,"
                + " forward, exec, get, put, appliances and sessions start fast. It listens on an owner-only socket in the"
                + " state directory. The first of those commands starts it when none runs (SC_ENGINEER_AGENT=auto,"
                + " the default; manual: only agent start does; off: never used).",
        subcommands = {
            AgentCommand.Start.class,
            AgentCommand.Run.class,
            AgentCommand.Stop.class,
            AgentCommand.Status.class,
            AgentCommand.Add.class
        })
final class AgentCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "a subcommand is required: start, run, stop, status or add");
    }

    /** Gives the agent an opened token. */
    static JsonNode add(Console console, SignedAccessToken token) {
        try (AgentClient agent = running(console)) {
            return agent.require(AgentProtocol.request(AgentProtocol.Op.ADD).put("token", token.serialize()));
        }
    }

    /**
     * The running agent; when none runs and the console says so ({@link AgentUse#ON_DEMAND}), it is started first, in
     * the background, as {@code agent start} does (the PKCS#12 passphrase asked unless login was given a file for
     * it), and a line on standard error says so. Empty when the command goes without it: the agent is off, or could
     * not be started (a line says why).
     */
    static Optional<AgentClient> runningOrStarted(Console console) {
        Optional<AgentClient> running = AgentClient.connect(console.engineerHome());
        if (running.isPresent() || console.agent() != AgentUse.ON_DEMAND) {
            return running;
        }
        EngineerHome home = console.engineerHome();
        try {
            long pid = Start.inBackground(console, EngineerAgent.DEFAULT_IDLE_TIMEOUT);
            console.err()
                    .println(Cli.NAME + ": started the agent (pid " + pid + "); "
                            + Start.lifetime(LoggedIn.require(console), EngineerAgent.DEFAULT_IDLE_TIMEOUT, home));
        } catch (EngineerException | IOException e) {
            console.err()
                    .println(Cli.NAME + ": going on without the agent: it could not be started: "
                            + OneLine.of(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineerException("interrupted", e);
        }
        console.err().flush();
        return AgentClient.connect(home);
    }

    /** Stops the agent if one runs; its process id. */
    static Optional<Long> stopIfRunning(Console console) {
        Optional<AgentClient> agent = AgentClient.connect(console.engineerHome());
        if (agent.isEmpty()) {
            return Optional.empty();
        }
        try (AgentClient client = agent.get()) {
            return Optional.of(client.require(AgentProtocol.request(AgentProtocol.Op.STOP))
                    .path("pid")
                    .asLong());
        }
    }

    private static AgentClient running(Console console) {
        return AgentClient.connect(console.engineerHome())
                .orElseThrow(() -> new EngineerException(
                        "no agent runs for " + console.home() + ": start it with sc-engineer agent start"));
    }

    /** The idle time-out option. */
    static final class IdleTimeout {
        @Option(
                names = "--idle-timeout",
                paramLabel = "DURATION",
                converter = Converters.Lifetime.class,
                description = "Stop after this long without a request or an open stream, e.g. 30m, 8h (default"
                        + " 8h); the agent never outlives the login session.")
        Duration idleTimeout = EngineerAgent.DEFAULT_IDLE_TIMEOUT;
    }

    /** {@code agent run}: in the foreground, until stopped. */
    @Command(
            name = "run",
            description = "Runs the agent in the foreground until it is stopped (agent stop, Ctrl-C,"
                    + " idle time-out, end of the login session). Asks for the PKCS#12 passphrase unless login was given a"
                    + " file for it.")
    static final class Run implements Callable<Integer> {
        private final Console console;

        @Mixin
        IdleTimeout idle;

        @Option(
                names = "--p12-passphrase-stdin",
                hidden = true,
                description = "Read the PKCS#12 passphrase from the first line of standard input (agent start).")
        boolean passphraseOnStdin;

        Run(Console console) {
            this.console = console;
        }

        @Override
        public Integer call() throws Exception {
            SavedSession session = LoggedIn.require(console);
            EngineerHome home = console.engineerHome();
            char[] passphrase = passphraseOnStdin
                    ? Passphrases.fromPipe(console.in(), "PKCS#12 passphrase")
                    : Passphrases.identity(
                            session.p12PassphraseFile().orElse(null), session.identity(), console.prompter());
            Identity identity = LoggedIn.identity(session, passphrase);
            home.prepareAgent();
            EngineerAgent agent = EngineerAgent.start(new EngineerAgent.Settings(
                    home,
                    session,
                    identity,
                    console.timeouts(),
                    console.clock(),
                    idle.idleTimeout,
                    PeerCheck.kernel(Files.getOwner(home.agentDirectory())),
                    this::notice));
            Thread stopper = new Thread(agent::close, "sc-engineer-agent-stop");
            Runtime.getRuntime().addShutdownHook(stopper);
            try {
                agent.connectNow();
            } catch (EngineerException e) {
                notice("not connected to the server yet (it is tried again in the background): " + e.getMessage());
            }
            console.out()
                    .println("agent running (pid " + ProcessHandle.current().pid() + ", socket " + agent.socket()
                            + ") for " + session.login() + " until " + session.expiresAt());
            console.out().flush();
            String why = agent.awaitStop();
            try {
                Runtime.getRuntime().removeShutdownHook(stopper);
            } catch (IllegalStateException e) {
                // shutting down already
            }
            console.out().println("agent stopped: " + why);
            return 0;
        }

        private void notice(String line) {
            console.err().println(Instant.now() + " " + Cli.NAME + " agent: " + OneLine.of(line));
            console.err().flush();
        }
    }

    /** {@code agent start}: in the background. */
    @Command(
            name = "start",
            description = "Starts the agent in the background (its log: STATE/agent/agent.log) and"
                    + " returns once it listens. Asks for the PKCS#12 passphrase unless login was given a file for it.")
    static final class Start implements Callable<Integer> {

        /** How long the agent may take to listen. */
        static final Duration READY = Duration.ofSeconds(30);

        private final Console console;

        @Mixin
        IdleTimeout idle;

        Start(Console console) {
            this.console = console;
        }

        @Override
        public Integer call() throws Exception {
            SavedSession session = LoggedIn.require(console);
            EngineerHome home = console.engineerHome();
            Optional<AgentClient> running = AgentClient.connect(home);
            if (running.isPresent()) {
                JsonNode status;
                try (AgentClient agent = running.get()) {
                    status = agent.require(AgentProtocol.request(AgentProtocol.Op.STATUS));
                }
                throw new EngineerException("an agent already runs for " + home.directory() + " (pid "
                        + status.path("pid").asLong() + ", socket "
                        + status.path("socket").asText()
                        + "): stop it first with sc-engineer agent stop");
            }
            long pid = inBackground(console, idle.idleTimeout);
            console.out()
                    .println("agent started (pid " + pid + ", socket " + home.agentSocket() + "); "
                            + lifetime(session, idle.idleTimeout, home));
            return 0;
        }

        /** When a started agent stops, and its log. */
        static String lifetime(SavedSession session, Duration idleTimeout, EngineerHome home) {
            return "it stops after "
                    + OneLine.of(idleTimeout.toString().substring(2).toLowerCase(java.util.Locale.ROOT))
                    + " idle or at the end of the login session, " + session.expiresAt() + "; log: "
                    + home.agentLog();
        }

        /**
         * Starts the agent in the background (asking for the PKCS#12 passphrase unless login was given a file for
         * it, and checking it first) and waits until it listens; its process id.
         *
         * @throws EngineerException if it did not start, with the last line of its log
         */
        static long inBackground(Console console, Duration idleTimeout) throws IOException, InterruptedException {
            SavedSession session = LoggedIn.require(console);
            EngineerHome home = console.engineerHome();
            char[] passphrase = Passphrases.identity(
                    session.p12PassphraseFile().orElse(null), session.identity(), console.prompter());
            LoggedIn.identity(session, Arrays.copyOf(passphrase, passphrase.length)); // a wrong one fails here
            home.prepareAgent();
            Process process;
            try {
                ProcessBuilder builder = new ProcessBuilder(command(idleTimeout))
                        .redirectOutput(
                                ProcessBuilder.Redirect.appendTo(home.agentLog().toFile()))
                        .redirectErrorStream(true);
                builder.environment()
                        .put(EngineerHome.ENVIRONMENT, home.directory().toString());
                process = builder.start();
                try (OutputStream toAgent = process.getOutputStream()) {
                    ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(passphrase));
                    byte[] line = new byte[bytes.remaining() + 1];
                    bytes.get(line, 0, line.length - 1);
                    line[line.length - 1] = '\n';
                    toAgent.write(line);
                    Arrays.fill(line, (byte) 0);
                    if (bytes.hasArray()) {
                        Arrays.fill(bytes.array(), (byte) 0);
                    }
                }
            } finally {
                Arrays.fill(passphrase, '\0');
            }
            Instant deadline = Instant.now().plus(READY);
            while (Instant.now().isBefore(deadline)) {
                Optional<AgentClient> started = AgentClient.connect(home);
                if (started.isPresent()) {
                    started.get().close();
                    return process.pid();
                }
                if (!process.isAlive()) {
                    throw new EngineerException("the agent did not start: " + lastLine(home.agentLog()) + " (log: "
                            + home.agentLog() + ")");
                }
                Thread.sleep(50); // polling the socket: bounded by READY
            }
            process.destroy();
            throw new EngineerException(
                    "the agent did not listen within " + READY.toSeconds() + " s (log: " + home.agentLog() + ")");
        }

        /** This JVM and class path, in a session of its own (setsid) so that closing the terminal leaves it running. */
        private static List<String> command(Duration idleTimeout) {
            List<String> command = new ArrayList<>();
            if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
                command.add("/usr/bin/setsid");
            }
            command.add(ProcessHandle.current().info().command().orElse("java"));
            command.add("-XX:+UseSerialGC");
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(ScEngineer.class.getName());
            command.add("agent");
            command.add("run");
            command.add("--idle-timeout=" + idleTimeout.toSeconds() + "s");
            command.add("--p12-passphrase-stdin");
            return command;
        }

        private static String lastLine(Path log) {
            try {
                List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                return lines.isEmpty() ? "it wrote nothing" : OneLine.of(lines.get(lines.size() - 1));
            } catch (IOException e) {
                return "its log cannot be read";
            }
        }
    }

    /** {@code agent stop}. */
    @Command(name = "stop", description = "Stops the agent: it forgets the tokens it holds and closes its connection.")
    static final class Stop implements Callable<Integer> {
        private final Console console;

        Stop(Console console) {
            this.console = console;
        }

        @Override
        public Integer call() {
            long pid = stopIfRunning(console)
                    .orElseThrow(() -> new EngineerException("no agent runs for " + console.home()));
            console.out().println("agent stopped (pid " + pid + ")");
            return 0;
        }
    }

    /** {@code agent status}. */
    @Command(
            name = "status",
            description = "Shows whether the agent runs, for whom, until when, and the tokens it"
                    + " holds with their expiry. Exits 1 when no agent runs.")
    static final class Status implements Callable<Integer> {
        private final Console console;

        @Option(names = "--json", description = "Print the agent's JSON answer instead.")
        boolean json;

        Status(Console console) {
            this.console = console;
        }

        @Override
        public Integer call() throws Exception {
            JsonNode status;
            try (AgentClient agent = running(console)) {
                status = agent.require(AgentProtocol.request(AgentProtocol.Op.STATUS));
            }
            if (json) {
                console.out().println(dev.secureconnect.engineer.internal.Json.PRETTY.writeValueAsString(status));
                return 0;
            }
            console.out()
                    .println("agent pid " + status.path("pid").asLong() + ", socket " + Api.text(status, "socket"));
            console.out()
                    .println("login " + Api.text(status, "login") + " at " + Api.text(status, "server")
                            + ", session until " + Api.text(status, "sessionExpiresAt") + "; connected to the server: "
                            + (status.path("connected").asBoolean() ? "yes" : "no"));
            console.out()
                    .println("stops unless used by " + Api.text(status, "stopsAt") + " (idle time-out "
                            + Api.text(status, "idleTimeout").substring(2).toLowerCase(java.util.Locale.ROOT) + ")");
            if (status.path("tokens").isEmpty()) {
                console.out()
                        .println("no tokens held: they are added by sc-engineer agent add SERIAL, or by the"
                                + " first command that needs one");
                return 0;
            }
            TextTable table = new TextTable("APPLIANCE", "TICKET", "TOKEN", "EXPIRES");
            for (JsonNode token : status.path("tokens")) {
                table.row(
                        Api.text(token, "appliance"),
                        Api.text(token, "ticket"),
                        Api.text(token, "id"),
                        Api.text(token, "expiresAt"));
            }
            table.print(console.out());
            return 0;
        }
    }

    /** {@code agent add SERIAL}. */
    @Command(
            name = "add",
            description = "Opens the stored access token for SERIAL (asking for its passphrase) and"
                    + " gives it to the agent, which holds it until it expires or is revoked.")
    static final class Add implements Callable<Integer> {
        private final Console console;

        @Parameters(
                index = "0",
                paramLabel = "SERIAL",
                converter = Converters.Serial.class,
                description = "The appliance's serial.")
        String serial;

        @Mixin
        TokenOption token;

        Add(Console console) {
            this.console = console;
        }

        @Override
        public Integer call() {
            running(console).close();
            JsonNode answer = add(console, token.load(console, serial));
            console.out()
                    .println("the agent holds the token for " + Api.text(answer, "appliance") + " until "
                            + Api.text(answer, "expiresAt"));
            return 0;
        }
    }
}
