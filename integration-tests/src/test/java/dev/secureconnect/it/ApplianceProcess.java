package dev.secureconnect.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.testing.Eventually;
import dev.secureconnect.testing.PkiFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/** {@code sc-appliance} as its admin runs it: {@code init}, the daemon as a separate process, admin commands. */
final class ApplianceProcess implements AutoCloseable {

    final String serial;
    final Path dir;
    final Path files;
    final Path log;
    private Process daemon;

    ApplianceProcess(Path root, String serial, int serverPort) throws IOException, InterruptedException {
        this(root, serial, serverPort, null);
    }

    /** @param tokenKey the server's public token key set ({@code sc-server token-key}), or null for none */
    ApplianceProcess(Path root, String serial, int serverPort, Path tokenKey) throws IOException, InterruptedException {
        this(root, serial, serverPort, tokenKey, "off");
    }

    /** @param console the web console as {@code sc-appliance init --console} takes it (see the constructor below) */
    ApplianceProcess(Path root, String serial, int serverPort, Path tokenKey, String console)
            throws IOException, InterruptedException {
        this(
                root,
                serial,
                serial,
                PkiFiles.write(root.resolve(serial + "-files"), TestPki.shared().appliance(serial))
                        .dir(),
                serverPort,
                tokenKey,
                console);
    }

    /** An appliance enrolled with existing certificate files (a second box with the same identity: a clone). */
    ApplianceProcess(Path root, String name, String serial, Path files, int serverPort, Path tokenKey)
            throws IOException, InterruptedException {
        // only ConsoleIT serves it: no daemon in a test binds the default port, none makes its key
        this(root, name, serial, files, serverPort, tokenKey, "off");
    }

    /**
     * An appliance whose web console is {@code console} as {@code sc-appliance init --console} takes it: {@code off},
     * or {@code 0} (any free port of 127.0.0.1: a test never binds a fixed one; the daemon writes its address to
     * {@code run/console.url}).
     */
    ApplianceProcess(Path root, String name, String serial, Path files, int serverPort, Path tokenKey, String console)
            throws IOException, InterruptedException {
        this.serial = serial;
        this.dir = root.resolve(name);
        this.log = root.resolve(name + ".log");
        this.files = files;
        admin(
                "init",
                "--server",
                "localhost:" + serverPort,
                "--cert",
                files.resolve("cert.pem").toString(),
                "--key",
                files.resolve("key.pem").toString(),
                "--chain",
                files.resolve("chain.pem").toString(),
                "--ca",
                files.resolve("ca.pem").toString(),
                "--console",
                console);
        if (tokenKey != null) {
            admin("token-key", "--file", tokenKey.toString());
        }
    }

    /**
     * An appliance set up by {@code sc-appliance enrol} with a one-time code, at the server's enrolment listener
     * {@code enrolmentServer} (HOST:PORT): no file handed over but the code. Its console is off.
     */
    static ApplianceProcess enrolled(Path root, String serial, String enrolmentServer, String code)
            throws IOException, InterruptedException {
        return new ApplianceProcess(root, serial, enrolmentServer, code);
    }

    private ApplianceProcess(Path root, String serial, String enrolmentServer, String code)
            throws IOException, InterruptedException {
        this.serial = serial;
        this.dir = root.resolve(serial);
        this.log = root.resolve(serial + ".log");
        this.files = dir.resolve("tls");
        admin("enrol", "--server", enrolmentServer, "--code", code, "--serial", serial, "--console", "off");
    }

    /** Runs an admin command that must succeed; returns its standard output. */
    String admin(String command, String... args) throws IOException, InterruptedException {
        Launcher.Result result = tryAdmin(command, args);
        assertThat(result.exitCode())
                .as("sc-appliance " + command + ": " + result.describe())
                .isZero();
        return result.out();
    }

    Launcher.Result tryAdmin(String command, String... args) throws IOException, InterruptedException {
        String[] words = command.split(" ");
        // "services add" etc: the command may be two words; --dir goes after them
        String[] prefix = new String[words.length + 2];
        System.arraycopy(words, 0, prefix, 0, words.length);
        prefix[words.length] = "--dir";
        prefix[words.length + 1] = dir.toString();
        String[] line = new String[prefix.length + args.length];
        System.arraycopy(prefix, 0, line, 0, prefix.length);
        System.arraycopy(args, 0, line, prefix.length, args.length);
        return Launcher.run("sc-appliance", line);
    }

    /** Sets the HTTP/2 stream window the appliance advertises (before {@link #start}). */
    void streamWindow(int bytes) throws IOException {
        ObjectMapper json = new ObjectMapper();
        Path config = dir.resolve("appliance.json");
        ObjectNode root = (ObjectNode) json.readTree(config.toFile());
        ((ObjectNode) root.path("streams")).put("windowBytes", bytes);
        json.writerWithDefaultPrettyPrinter().writeValue(config.toFile(), root);
    }

    /** Sets when the appliance signs a checkpoint of its audit log (before {@link #start}): {@code audit.*}. */
    void auditCheckpoints(long every, String interval) throws IOException {
        ObjectMapper json = new ObjectMapper();
        Path config = dir.resolve("appliance.json");
        ObjectNode document = (ObjectNode) json.readTree(config.toFile());
        ObjectNode audit = document.has("audit") ? (ObjectNode) document.get("audit") : document.putObject("audit");
        audit.put("checkpointEvery", every);
        audit.put("checkpointInterval", interval);
        json.writerWithDefaultPrettyPrinter().writeValue(config.toFile(), document);
    }

    /** Sets {@code renewal.when} in {@code appliance.json} (a running daemon takes it at its next reload). */
    void renewalWhen(double when) throws IOException {
        ObjectMapper json = new ObjectMapper();
        Path config = dir.resolve("appliance.json");
        ObjectNode document = (ObjectNode) json.readTree(config.toFile());
        document.putObject("renewal").put("when", when);
        json.writerWithDefaultPrettyPrinter().writeValue(config.toFile(), document);
    }

    void start() throws IOException, InterruptedException {
        daemon = Launcher.start(log, "sc-appliance", "run", "--dir", dir.toString());
        Eventually.within(Duration.ofSeconds(30), "the appliance daemon answers on its admin socket", () -> {
            try {
                return tryAdmin("status", "--json").exitCode() == 0;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
    }

    void stop() throws InterruptedException {
        Launcher.stop(daemon);
    }

    JsonNode status() throws IOException, InterruptedException {
        return new ObjectMapper().readTree(admin("status", "--json"));
    }

    String linkState() {
        try {
            return status().path("link").path("state").asText();
        } catch (IOException e) {
            return "unknown: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
