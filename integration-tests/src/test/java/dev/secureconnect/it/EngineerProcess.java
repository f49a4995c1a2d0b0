package dev.secureconnect.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.crypto.pem.Pkcs12Bundle;
import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.testing.PkiFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A support engineer's laptop: {@code bin/sc-engineer} run as a process, with its own {@code SECURECONNECT_HOME}, a
 * personal certificate in a PKCS#12 file, and passphrase files for the p12 and the token vault.
 */
final class EngineerProcess {

    static final String P12_PASSPHRASE = "it p12 passphrase";
    static final String TOKEN_PASSPHRASE = "it token passphrase";

    final String login;
    final Path home;
    final Path identity;
    final Path certificatePem;
    final Path p12Passphrase;
    final Path tokenPassphrase;
    final TestPki.Issued issued;

    EngineerProcess(Path root, String login) throws IOException {
        this(root, login, TestPki.shared().engineer(login));
    }

    EngineerProcess(Path root, String login, TestPki.Issued issued) throws IOException {
        this.login = login;
        this.issued = issued;
        Path files = PkiFiles.write(root.resolve(login + "-files"), issued).dir();
        this.home = Files.createDirectories(root.resolve(login + "-home"));
        this.identity = files.resolve("identity.p12");
        this.certificatePem = files.resolve("cert.pem");
        Files.write(
                identity, new Pkcs12Bundle(issued.privateKey(), issued.chain()).encode(P12_PASSPHRASE.toCharArray()));
        this.p12Passphrase =
                Files.writeString(files.resolve("p12.pass"), P12_PASSPHRASE + "\n", StandardCharsets.UTF_8);
        this.tokenPassphrase =
                Files.writeString(files.resolve("token.pass"), TOKEN_PASSPHRASE + "\n", StandardCharsets.UTF_8);
    }

    /**
     * The engineer's environment: their own home, and the agent used only where a test starts it ({@code manual}), so
     * that each test says which path it checks: the direct one, or the agent's ({@code sshScpAndExecThroughTheAgent}).
     */
    Map<String, String> environment() {
        return Map.of("SECURECONNECT_HOME", home.toString(), "SC_ENGINEER_AGENT", "manual");
    }

    /** Runs {@code sc-engineer args…}. */
    Launcher.Result run(String... args) throws IOException, InterruptedException {
        return Launcher.run(environment(), "sc-engineer", args);
    }

    /** Runs {@code sc-engineer args…}, which must succeed; returns its standard output. */
    String ok(String... args) throws IOException, InterruptedException {
        Launcher.Result result = run(args);
        assertThat(result.exitCode())
                .as("sc-engineer " + String.join(" ", args) + ": " + result.describe())
                .isZero();
        return result.out();
    }

    Launcher.Result login(int serverPort, String totpCode) throws IOException, InterruptedException {
        return run(
                "login",
                "--server",
                "localhost:" + serverPort,
                "--identity",
                identity.toString(),
                "--p12-passphrase-file",
                p12Passphrase.toString(),
                "--totp-code",
                totpCode);
    }

    /** Runs a token-using command ({@code forward}, {@code exec}, …) with the token passphrase file. */
    Launcher.Result withToken(String command, String... args) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of(command, "--token-passphrase-file", tokenPassphrase.toString()));
        line.addAll(List.of(args));
        return run(line.toArray(String[]::new));
    }

    /** The {@code ssh -o ProxyCommand=…} value that reaches {@code port} on an appliance through SecureConnect. */
    String proxyCommand(int port) {
        return Launcher.bin("sc-engineer") + " proxy --token-passphrase-file " + tokenPassphrase + " %h " + port;
    }

    Path tokenFile(String serial) {
        return home.resolve("tokens").resolve(serial + ".jwe");
    }
}
