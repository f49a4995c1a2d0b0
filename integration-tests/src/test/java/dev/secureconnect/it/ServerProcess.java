package dev.secureconnect.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.server.ServerDaemon;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.config.ConfigFile;
import dev.secureconnect.server.config.ServerConfig;
import dev.secureconnect.server.storage.Database;
import dev.secureconnect.testing.Eventually;
import dev.secureconnect.testing.PkiFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code sc-server} as an operator runs it: {@code init} with certificate files, the daemon as a separate process
 * (which a test may kill with SIGKILL and start again), admin commands, and the audit log opened from the test JVM
 * (SQLite's write lock serialises its appenders across processes).
 */
final class ServerProcess implements AutoCloseable {

    /** How long the daemon has to write {@code run/listeners.json}. */
    static final Duration STARTUP = Duration.ofSeconds(60);

    final Path dir;
    final Path files;
    final Path log;
    private Process daemon;

    /** Runs {@code sc-server init} in {@code root/server} with a TestPki server certificate, listening on port 0. */
    ServerProcess(Path root) throws IOException, InterruptedException {
        files = PkiFiles.write(root.resolve("server-files"), TestPki.shared().server())
                .dir();
        Path crl = PkiFiles.writeCrl(files.resolve("crl.pem"));
        dir = root.resolve("server");
        log = root.resolve("server.log");
        Launcher.Result init = Launcher.run(
                "sc-server",
                "init",
                "--dir",
                dir.toString(),
                "--cert",
                files.resolve("cert.pem").toString(),
                "--key",
                files.resolve("key.pem").toString(),
                "--chain",
                files.resolve("chain.pem").toString(),
                "--ca",
                files.resolve("ca.pem").toString(),
                "--crl",
                crl.toString(),
                "--appliance-listen",
                "127.0.0.1:0",
                "--engineer-listen",
                "127.0.0.1:0");
        assertThat(init.exitCode()).as("sc-server init: " + init.describe()).isZero();
    }

    /** Sets the longest wait between a failing sink's tries (before {@link #start}: the daemon reads it once). */
    void sinkRetryMax(Duration retryMax) {
        ServerConfig config = ConfigFile.read(dir);
        ServerConfig.Audit audit = config.audit();
        ConfigFile.write(
                dir,
                new ServerConfig(
                        config.node(),
                        config.applianceListener(),
                        config.engineerListener(),
                        config.tls(),
                        config.database(),
                        config.link(),
                        new ServerConfig.Audit(
                                audit.checkpointEvery(), audit.checkpointInterval(), audit.retryInitial(), retryMax),
                        config.sinks(),
                        config.mail(),
                        config.reports()));
    }

    /** Serves the metrics on 127.0.0.1, on a free port (before {@link #start}; see {@link #listener}). */
    void metricsOnAnyPort() {
        ConfigFile.write(
                dir,
                ConfigFile.read(dir)
                        .withMetrics(new ServerConfig.Metrics(true, new ServerConfig.Listener("127.0.0.1", 0), null)));
    }

    /** The {@code HOST:PORT} the running daemon published for listener {@code name} in {@code run/listeners.json}. */
    String listener(String name) throws IOException {
        String address = new ObjectMapper()
                .readTree(dir.resolve(ServerDaemon.LISTENERS_FILE).toFile())
                .path(name)
                .asText();
        assertThat(address).as("listener " + name + " in run/listeners.json").isNotEmpty();
        return address;
    }

    /** Starts {@code sc-server run} and waits (bounded) until it has written {@code run/listeners.json}. */
    void start() throws IOException, InterruptedException {
        if (daemon != null && daemon.isAlive()) {
            throw new IllegalStateException("the daemon runs already (pid " + daemon.pid() + ")");
        }
        Path listeners = dir.resolve(ServerDaemon.LISTENERS_FILE);
        Files.deleteIfExists(listeners); // a killed daemon leaves its file behind
        Process started = Launcher.start(log, "sc-server", "run", "--dir", dir.toString());
        daemon = started;
        Eventually.within(STARTUP, "sc-server run writes " + listeners + " (log: " + log + ")", () -> {
            if (!started.isAlive()) {
                throw new AssertionError("sc-server run exited with " + started.exitValue() + ": " + logText());
            }
            return Files.exists(listeners);
        });
    }

    /** Kills the daemon with SIGKILL, as a power cut or the OOM killer would: no shutdown hook runs. */
    void kill() throws InterruptedException {
        if (daemon != null && daemon.isAlive()) {
            daemon.destroyForcibly();
            assertThat(daemon.waitFor(10, TimeUnit.SECONDS))
                    .as("sc-server ended after SIGKILL")
                    .isTrue();
        }
    }

    /** Runs an admin command ({@code "sinks add"}, …) that must succeed; returns its standard output. */
    String admin(String command, String... args) throws IOException, InterruptedException {
        Launcher.Result result = tryAdmin(command, args);
        assertThat(result.exitCode())
                .as("sc-server " + command + ": " + result.describe())
                .isZero();
        return result.out();
    }

    Launcher.Result tryAdmin(String command, String... args) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of(command.split(" ")));
        line.add("--dir");
        line.add(dir.toString());
        line.addAll(List.of(args));
        return Launcher.run("sc-server", line.toArray(String[]::new));
    }

    /** One sink's row of {@code sinks status --json}. */
    JsonNode sinkStatus(String name) throws IOException, InterruptedException {
        for (JsonNode row : new ObjectMapper().readTree(admin("sinks status", "--json"))) {
            if (row.path("name").asText().equals(name)) {
                return row;
            }
        }
        throw new AssertionError("no sink " + name + " in 'sinks status'");
    }

    /** Opens the server's database from this JVM, as the admin commands do. */
    Database openDatabase() {
        return Database.open(
                ServerDaemon.databaseSettings(dir, ConfigFile.read(dir).database()));
    }

    /** The audit log's last sequence number now. */
    long lastSeq() {
        try (Database database = openDatabase()) {
            return new ServerAuditLog(database, Clock.systemUTC()).lastSeq();
        }
    }

    String logText() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** Stops the daemon with SIGTERM (bounded; SIGKILL after that). */
    @Override
    public void close() throws InterruptedException {
        Launcher.stop(daemon);
    }
}
