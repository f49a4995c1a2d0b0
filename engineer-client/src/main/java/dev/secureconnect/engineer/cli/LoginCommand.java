package dev.secureconnect.engineer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.secureconnect.engineer.EngineerException;
import dev.secureconnect.engineer.client.Identity;
import dev.secureconnect.engineer.client.ServerAddress;
import dev.secureconnect.engineer.client.ServerConnection;
import dev.secureconnect.engineer.state.SavedSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code login}: certificate + TOTP code → a login session, saved in {@code session.json}. */
@Command(
        name = "login",
        description = "Logs in to the support server with your certificate and a TOTP code; the"
                + " session (8 h by default) is kept in the state directory and bound to your certificate.")
final class LoginCommand implements Callable<Integer> {

    static final String PATH = "/api/v1/login";

    private final Console console;

    @Option(
            names = "--server",
            required = true,
            paramLabel = "HOST:PORT",
            converter = Converters.Server.class,
            description = "The server's engineer listener; HOST must be a name in its certificate.")
    ServerAddress server;

    @Option(
            names = "--identity",
            required = true,
            paramLabel = "FILE.p12",
            description = "Your PKCS#12 file: key, engineer certificate and CA chain (as sc-pki writes it).")
    Path identity;

    @Option(
            names = "--ca",
            paramLabel = "FILE",
            description = "The CA certificate(s) to check the server against (PEM); default: the CAs in FILE.p12.")
    Path ca;

    @Option(
            names = "--totp-code",
            paramLabel = "N",
            converter = Converters.TotpCode.class,
            description = "The code your authenticator app shows; asked for when not given.")
    String totpCode;

    @Option(
            names = "--p12-passphrase-file",
            paramLabel = "F",
            description = "Read the passphrase of FILE.p12 from the first line of F (also for later commands).")
    Path p12PassphraseFile;

    LoginCommand(Console console) {
        this.console = console;
    }

    @Override
    public Integer call() {
        Path identityFile = identity.toAbsolutePath().normalize();
        Optional<Path> caFile =
                Optional.ofNullable(ca).map(file -> file.toAbsolutePath().normalize());
        Optional<Path> passphraseFile = Optional.ofNullable(p12PassphraseFile)
                .map(file -> file.toAbsolutePath().normalize());
        if (!Files.isRegularFile(identityFile)) {
            throw new EngineerException("identity file " + identityFile + " does not exist or is not a file");
        }
        char[] passphrase = Passphrases.identity(passphraseFile.orElse(null), identityFile, console.prompter());
        Identity keys;
        try {
            keys = Identity.load(identityFile, passphrase, caFile.orElse(null));
        } finally {
            Arrays.fill(passphrase, '\0');
        }
        String code = totpCode;
        if (code == null) {
            char[] typed = console.prompter().secret("TOTP code: ", "give it with --totp-code N");
            try {
                code = Converters.totp(new String(typed));
            } finally {
                Arrays.fill(typed, '\0');
            }
        }
        JsonNode answer;
        try (ServerConnection connection = ServerConnection.connect(server, keys, console.timeouts())) {
            answer = connection.call("POST", PATH, null, Map.of("totp", code));
        }
        String session = text(answer, "session");
        String login = text(answer, "login");
        Instant expiresAt;
        try {
            expiresAt = Instant.parse(text(answer, "expiresAt"));
        } catch (DateTimeParseException e) {
            throw new EngineerException("the server's login answer has no valid expiresAt", e);
        }
        console.engineerHome()
                .save(new SavedSession(
                        server.toString(),
                        identityFile,
                        caFile,
                        passphraseFile,
                        login,
                        session,
                        keys.thumbprint(),
                        expiresAt));
        console.out().println("logged in as " + login + " until " + expiresAt);
        return 0;
    }

    static String text(JsonNode answer, String key) {
        JsonNode value = answer.get(key);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new EngineerException("the server's answer has no '" + key + "'");
        }
        return value.asText();
    }
}
