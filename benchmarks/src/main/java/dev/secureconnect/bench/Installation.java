package dev.secureconnect.bench;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.samstevens.totp.code.DefaultCodeGenerator;
import dev.samstevens.totp.code.HashingAlgorithm;
import dev.samstevens.totp.exceptions.CodeGenerationException;
import dev.samstevens.totp.time.SystemTimeProvider;
import dev.secureconnect.crypto.json.Mappers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A whole SecureConnect installation on 127.0.0.1, set up through the {@code bin/} launchers as separate JVMs the way
 * {@code bin/sc-demo} does it: a CA with server, appliance and engineer certificates, a support server (SQLite) with
 * its token key, an enrolled engineer (TOTP computed here), an open ticket, an appliance daemon linked for that ticket
 * with the given local services allow-listed, and the engineer logged in holding an access token for the appliance.
 * {@link #forward} and {@link #proxyCommand} then reach the appliance's services. Every process is one of the run's
 * {@link Processes}, ended with them.
 */
public final class Installation {

    /** The appliance's catalogue command for {@code sc-engineer exec}: {@code /bin/echo} its own name. */
    public static final String CATALOGUE_COMMAND = "bench-echo";

    /** The size of the file {@code sc-engineer get} fetches from the appliance ({@link #applianceFile}). */
    public static final int FILE_BYTES = 64 * 1024;

    private static final Duration STEP = Duration.ofSeconds(90);
    private static final Pattern TOTP_SECRET = Pattern.compile("secret=([A-Z2-7]+)");
    private static final Pattern FORWARDING = Pattern.compile("(?m)^forwarding 127\\.0\\.0\\.1:(\\d+) ");

    private final BenchRun run;
    private final Path dir;
    private final String serial;
    private final @Nullable String ticket;
    private final Map<String, String> env;
    private final AtomicInteger forwards = new AtomicInteger();

    private Installation(BenchRun run, Path dir, String serial, @Nullable String ticket, Map<String, String> env) {
        this.run = run;
        this.dir = dir;
        this.serial = serial;
        this.ticket = ticket;
        this.env = env;
    }

    /**
     * Sets everything up in {@code dir} (created) for appliance {@code serial}, whose allow-listed local services are
     * {@code services} (name → port on 127.0.0.1). Returns once the engineer holds a token for the appliance.
     */
    public static Installation start(BenchRun run, Path dir, String serial, Map<String, Integer> services)
            throws IOException {
        requireNonNull(serial, "serial");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("p12.pass"), "bench p12 passphrase\n");
        Files.writeString(dir.resolve("token.pass"), "bench token passphrase\n");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SC_PKI_PASSPHRASE", "bench CA passphrase, never use in production");
        env.put("SECURECONNECT_HOME", dir.resolve("engineer-home").toString());
        Installation partial = new Installation(run, dir, serial, null, env);
        // the first sc-engineer command starts the engineer's agent in the background: stop it with the run
        run.processes().atClose("sc-engineer-agent-stop", run.launcher("sc-engineer", "agent", "stop"), dir, env);

        partial.call("sc-pki", "init", "--dir", "ca", "--name", "Bench Vendor");
        partial.call(
                "sc-pki",
                "issue",
                "server",
                "--dir",
                "ca",
                "--dns",
                "localhost",
                "--ip",
                "127.0.0.1",
                "--out",
                "server");
        partial.call("sc-pki", "issue", "appliance", "--dir", "ca", "--serial", serial, "--out", "appliance");
        partial.call(
                "sc-pki",
                "issue",
                "engineer",
                "--dir",
                "ca",
                "--login",
                "bench",
                "--name",
                "Bench Engineer",
                "--email",
                "bench@example.com",
                "--p12-passphrase-file",
                "p12.pass",
                "--out",
                "engineer");

        partial.call("sc-server", serverInit("srv"));
        Process server = partial.daemon("sc-server", "run", "--dir", "srv");
        Path listeners = dir.resolve("srv/run/listeners.json");
        JsonNode[] bound = {null};
        Await.until(STEP, "the support server's start (" + listeners + ")", () -> {
            ensureRunning(run, server, "sc-server-run");
            bound[0] = readJson(listeners);
            return bound[0] != null;
        });
        int appliancePort = portOf(bound[0].path("appliance").asText());
        int engineerPort = portOf(bound[0].path("engineer").asText());

        partial.call("sc-server", "token-key", "--dir", "srv", "--out", "token-key.json");
        String enrolment = partial.call(
                "sc-server", "engineers", "add", "--dir", "srv", "--login", "bench", "--cert", "engineer/cert.pem");
        Matcher secret = TOTP_SECRET.matcher(enrolment);
        if (!secret.find()) {
            throw new BenchException("sc-server engineers add printed no TOTP secret (otpauth URI)");
        }
        String ticket = partial.call(
                        "sc-server", "tickets", "open", "--dir", "srv", "--title", "sc-bench", "--appliance", serial)
                .strip();
        Installation installation = new Installation(run, dir, serial, ticket, env);

        installation.call(
                "sc-appliance",
                "init",
                "--dir",
                "appl",
                "--server",
                "localhost:" + appliancePort,
                "--cert",
                "appliance/cert.pem",
                "--key",
                "appliance/key.pem",
                "--chain",
                "appliance/chain.pem",
                "--ca",
                "appliance/ca.pem",
                "--token-key",
                "token-key.json",
                "--console",
                "off"); // the bench measures the link and the data path, and binds no fixed port
        for (Map.Entry<String, Integer> service : services.entrySet()) {
            installation.call(
                    "sc-appliance",
                    "services",
                    "add",
                    "--dir",
                    "appl",
                    "--name",
                    service.getKey(),
                    "--port",
                    Integer.toString(service.getValue()));
        }
        installation.call(
                "sc-appliance",
                "commands",
                "add",
                "--dir",
                "appl",
                "--name",
                CATALOGUE_COMMAND,
                "--",
                "/bin/echo",
                CATALOGUE_COMMAND);
        Path files = Files.createDirectories(dir.resolve("appliance-files"));
        byte[] content = new byte[FILE_BYTES];
        new Random(FILE_BYTES).nextBytes(content);
        Files.write(files.resolve("bench-file"), content);
        installation.call(
                "sc-appliance",
                "files",
                "allow",
                "--dir",
                "appl",
                "--path",
                files.toRealPath().toString(),
                "--write");
        Process appliance = installation.daemon("sc-appliance", "run", "--dir", "appl");
        Path socket = dir.resolve("appl/run/admin.sock");
        Await.until(STEP, "the appliance daemon's start (" + socket + ")", () -> {
            ensureRunning(run, appliance, "sc-appliance-run");
            return Files.exists(socket);
        });
        installation.call("sc-appliance", "enable", "--dir", "appl");
        installation.call("sc-appliance", "connect", "--dir", "appl", "--ticket", ticket, "--wait", "60s");

        installation.call(
                "sc-engineer",
                "login",
                "--server",
                "127.0.0.1:" + engineerPort,
                "--identity",
                "engineer/identity.p12",
                "--p12-passphrase-file",
                "p12.pass",
                "--totp-code",
                totpCode(secret.group(1)));
        installation.call(
                "sc-engineer",
                "access",
                serial,
                "--ticket",
                ticket,
                "--ttl",
                "2h",
                "--reason",
                "sc-bench",
                "--token-passphrase-file",
                "token.pass");
        return installation;
    }

    /**
     * Starts {@code sc-engineer forward SERIAL 0:PORT} and returns the local port it listens on (127.0.0.1), once it
     * says so; the forward runs until the run ends.
     */
    public int forward(int servicePort) {
        String name = "sc-engineer-forward-" + servicePort + "-" + forwards.incrementAndGet();
        Process forward = run.processes()
                .start(
                        name,
                        engineerCommand(
                                "forward",
                                "--token-passphrase-file",
                                dir.resolve("token.pass").toString(),
                                serial,
                                "0:" + servicePort),
                        dir,
                        env);
        int[] port = {0};
        Await.until(STEP, "sc-engineer forward's listening line", () -> {
            Matcher matcher = FORWARDING.matcher(read(log(run.processes(), name, ".out")));
            if (matcher.find()) {
                port[0] = Integer.parseInt(matcher.group(1));
                return true;
            }
            ensureRunning(run, forward, name);
            return false;
        });
        return port[0];
    }

    /** The command line of {@code sc-engineer proxy SERIAL PORT}: the service's bytes on its standard output. */
    public List<String> proxyCommand(int servicePort) {
        return tokenCommand("proxy", Integer.toString(servicePort));
    }

    /**
     * The command line of {@code sc-engineer exec SERIAL} {@value #CATALOGUE_COMMAND} (a catalogue command that
     * prints its name).
     */
    public List<String> execCommand() {
        return tokenCommand("exec", CATALOGUE_COMMAND);
    }

    /** The command line of {@code sc-engineer appliances} (the server's API: the appliances the engineer may reach). */
    public List<String> appliancesCommand() {
        return engineerCommand("appliances");
    }

    /** The command line of {@code sc-engineer sessions} (the server's API: the engineer's active sessions). */
    public List<String> sessionsCommand() {
        return engineerCommand("sessions");
    }

    /** A file of {@value #FILE_BYTES} bytes in a folder the appliance allows for reading and writing. */
    public Path applianceFile() {
        return dir.resolve("appliance-files/bench-file");
    }

    /** The command line of {@code sc-engineer get SERIAL} {@link #applianceFile} {@code local}. */
    public List<String> getCommand(Path local) {
        return tokenCommand("get", applianceFile().toAbsolutePath().toString(), local.toString());
    }

    /** The command line of {@code sc-engineer put SERIAL local} {@link #applianceFile} (replacing it). */
    public List<String> putCommand(Path local) {
        return tokenCommand(
                "put", local.toString(), applianceFile().toAbsolutePath().toString());
    }

    /** {@code sc-engineer COMMAND --token-passphrase-file … SERIAL ARGS}: a command that uses the appliance's token. */
    private List<String> tokenCommand(String command, String... args) {
        List<String> line = new ArrayList<>(List.of(
                command, "--token-passphrase-file", dir.resolve("token.pass").toString(), serial));
        line.addAll(List.of(args));
        return engineerCommand(line.toArray(String[]::new));
    }

    /** The environment the engineer's commands need ({@code SECURECONNECT_HOME} inside the installation). */
    public Map<String, String> engineerEnvironment() {
        return Map.copyOf(env);
    }

    public Path dir() {
        return dir;
    }

    public String serial() {
        return serial;
    }

    public String ticket() {
        return requireNonNull(ticket, "only the partial installation used while setting up has no ticket");
    }

    private List<String> engineerCommand(String... args) {
        return run.launcher("sc-engineer", args);
    }

    private String call(String launcher, String... args) {
        return run.processes().run(launcher + "-" + args[0], run.launcher(launcher, args), dir, env, STEP);
    }

    private Process daemon(String launcher, String... args) {
        return run.processes().start(launcher + "-" + args[0], run.launcher(launcher, args), dir, env);
    }

    /** Returns while {@code process} runs; once it has ended a {@link BenchException} with the end of its log. */
    private static void ensureRunning(BenchRun run, Process process, String name) {
        if (process.isAlive()) {
            return;
        }
        throw new BenchException(name + " ended (exit " + process.exitValue() + "): "
                + Processes.tail(log(run.processes(), name, ".err")));
    }

    static String totpCode(String secret) {
        long step = new SystemTimeProvider().getTime() / 30;
        try {
            return new DefaultCodeGenerator(HashingAlgorithm.SHA1, 6).generate(secret, step);
        } catch (CodeGenerationException e) {
            throw new BenchException("cannot compute the engineer's TOTP code: " + e.getMessage(), e);
        }
    }

    /** The JSON in {@code file}, or null while it is missing or not complete yet. */
    private static @Nullable JsonNode readJson(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return Mappers.json().readTree(file.toFile());
        } catch (IOException e) {
            return null; // being written: read again on the next poll
        }
    }

    private static int portOf(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        try {
            return Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new BenchException("listeners.json holds no port in '" + hostPort + "'", e);
        }
    }

    /** The log of the newest process started as {@code name} ({@code logs/NAME-N.out} or {@code .err}). */
    static Path log(Processes processes, String name, String extension) {
        Pattern file = Pattern.compile(Pattern.quote(name) + "-(\\d+)" + Pattern.quote(extension));
        try (Stream<Path> logs = Files.list(processes.logs())) {
            List<Path> matching = new ArrayList<>(
                    logs.filter(p -> file.matcher(p.getFileName().toString()).matches())
                            .toList());
            matching.sort((a, b) -> Integer.compare(count(file, a), count(file, b)));
            if (matching.isEmpty()) {
                throw new BenchException("no log of " + name + " in " + processes.logs());
            }
            return matching.get(matching.size() - 1);
        } catch (IOException e) {
            throw new BenchException("cannot list " + processes.logs() + ": " + e.getMessage(), e);
        }
    }

    private static int count(Pattern file, Path path) {
        Matcher matcher = file.matcher(path.getFileName().toString());
        return matcher.matches() ? Integer.parseInt(matcher.group(1)) : -1;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BenchException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The arguments after {@code sc-server} that set up a server in {@code dir} (relative to the working folder) from
     * the run's {@code server/} certificate files and {@code ca/crl.pem}, both listeners on 127.0.0.1 port 0: every
     * group's server is made alike.
     */
    public static String[] serverInit(String dir) {
        return new String[] {
            "init",
            "--dir",
            dir,
            "--cert",
            "server/cert.pem",
            "--key",
            "server/key.pem",
            "--chain",
            "server/chain.pem",
            "--ca",
            "server/ca.pem",
            "--crl",
            "ca/crl.pem",
            "--appliance-listen",
            "127.0.0.1:0",
            "--engineer-listen",
            "127.0.0.1:0"
        };
    }
}
