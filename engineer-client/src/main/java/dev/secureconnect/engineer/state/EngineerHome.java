package dev.secureconnect.engineer.state;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.secureconnect.crypto.files.DurableFiles;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.engineer.EngineerException;
import dev.secureconnect.engineer.internal.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The engineer's state directory: {@value #ENVIRONMENT} if set, else {@code ~/.secureconnect}. It is created with
 * mode 0700; the session and the tokens in it are written with mode 0600, atomically.
 */
public final class EngineerHome {

    /** The environment variable naming the state directory. */
    public static final String ENVIRONMENT = "SECURECONNECT_HOME";

    static final String SESSION_FILE = "session.json";
    static final String TOKENS = "tokens";
    static final String AGENT = "agent";

    /** Appliance serials as certificates carry them; anything else cannot name a token file. */
    private static final Pattern SERIAL = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private final Path directory;

    private EngineerHome(Path directory) {
        this.directory = directory;
    }

    /** Where the state directory is: {@code SECURECONNECT_HOME} when set and not blank, else {@code ~/.secureconnect}. */
    public static Path locate(Map<String, String> environment, String userHome) {
        String configured = environment.get(ENVIRONMENT);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath();
        }
        return Path.of(requireNonNull(userHome, "userHome"), ".secureconnect").toAbsolutePath();
    }

    /** The state directory at {@code directory}, which is created (mode 0700) when first written to. */
    public static EngineerHome at(Path directory) {
        return new EngineerHome(directory.toAbsolutePath());
    }

    public Path directory() {
        return directory;
    }

    public Path sessionFile() {
        return directory.resolve(SESSION_FILE);
    }

    /**
     * The file of the token for {@code serial}. Serials are matched without regard to case when no file has the exact
     * name, because ssh lowercases the host name it gives a ProxyCommand ({@code %h}).
     *
     * @throws IllegalArgumentException if {@code serial} is not an appliance serial (letters, digits, '.', '_', '-')
     */
    public Path tokenFile(String serial) {
        String name = requireSerial(serial) + ".jwe";
        Path exact = directory.resolve(TOKENS).resolve(name);
        if (Files.exists(exact)
                || !Files.isDirectory(java.util.Objects.requireNonNull(exact.getParent(), "tokens folder"))) {
            return exact;
        }
        try (Stream<Path> files = Files.list(exact.getParent())) {
            return files.filter(file -> file.getFileName().toString().equalsIgnoreCase(name))
                    .findFirst()
                    .orElse(exact);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + exact.getParent() + ": " + e.getMessage(), e);
        }
    }

    /** Checks an appliance serial as the engineer typed it. */
    public static String requireSerial(String serial) {
        if (serial == null || !SERIAL.matcher(serial).matches() || serial.equals(".") || serial.equals("..")) {
            throw new IllegalArgumentException("appliance serial '" + OneLine.of(serial)
                    + "' is not valid: expected 1 to 64 letters, digits, '.', '_' or '-'");
        }
        return serial;
    }

    /** Creates the state directory and its {@code tokens} folder (mode 0700) if missing. */
    public Path prepareTokens() {
        createOwnerOnly(directory);
        return createOwnerOnly(directory.resolve(TOKENS));
    }

    /** The agent's folder (mode 0700): its socket, lock and log. */
    public Path agentDirectory() {
        return directory.resolve(AGENT);
    }

    /** The agent's Unix socket (mode 0600). */
    public Path agentSocket() {
        return agentDirectory().resolve("socket");
    }

    /** The file the running agent holds locked, with its process id in it. */
    public Path agentLock() {
        return agentDirectory().resolve("pid");
    }

    /** Where an agent started in the background writes its log. */
    public Path agentLog() {
        return agentDirectory().resolve("agent.log");
    }

    /** Creates the state directory and the agent's folder (mode 0700, made so if it was not) if missing. */
    public Path prepareAgent() {
        createOwnerOnly(directory);
        Path folder = createOwnerOnly(agentDirectory());
        try {
            Files.setPosixFilePermissions(folder, OWNER_ONLY_DIRECTORY);
        } catch (IOException e) {
            throw new EngineerException("cannot make " + folder + " owner-only: " + OneLine.of(e.getMessage()), e);
        }
        return folder;
    }

    // ---- the session -----------------------------------------------------------------------------------------

    /** The saved session, whether or not it has expired; empty when there is none. */
    public Optional<SavedSession> session() {
        byte[] content;
        try {
            content = Files.readAllBytes(sessionFile());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new EngineerException("cannot read " + sessionFile() + ": " + OneLine.of(e.getMessage()), e);
        }
        try {
            return Optional.of(Json.MAPPER.readValue(content, Stored.class).toSession());
        } catch (IOException | RuntimeException e) {
            String why = e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
            throw new EngineerException(
                    sessionFile() + " is not a valid session file (" + OneLine.of(why)
                            + "): run sc-engineer login again",
                    e);
        }
    }

    /** Saves {@code session} (mode 0600, atomically), replacing any earlier one. */
    public void save(SavedSession session) {
        createOwnerOnly(directory);
        try {
            DurableFiles.write(
                    sessionFile(), Json.PRETTY.writeValueAsBytes(Stored.of(session)), DurableFiles.Access.OWNER_ONLY);
        } catch (IOException e) {
            throw new EngineerException("cannot write " + sessionFile() + ": " + OneLine.of(e.getMessage()), e);
        }
    }

    /** Deletes the saved session; whether there was one. */
    public boolean forgetSession() {
        try {
            return Files.deleteIfExists(sessionFile());
        } catch (IOException e) {
            throw new EngineerException("cannot delete " + sessionFile() + ": " + OneLine.of(e.getMessage()), e);
        }
    }

    private static Path createOwnerOnly(Path folder) {
        try {
            if (!Files.isDirectory(folder)) {
                Files.createDirectories(folder.getParent());
                Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
                Files.setPosixFilePermissions(folder, OWNER_ONLY_DIRECTORY); // whatever the umask
            }
            return folder;
        } catch (IOException e) {
            throw new EngineerException("cannot create " + folder + ": " + OneLine.of(e.getMessage()), e);
        }
    }

    @Override
    public String toString() {
        return directory.toString();
    }

    /** {@code session.json} as written. */
    record Stored(
            String server,
            String identity,
            @Nullable String ca,
            @Nullable String p12PassphraseFile,
            String login,
            String session,
            String thumbprint,
            String expiresAt) {

        static Stored of(SavedSession session) {
            return new Stored(
                    session.server(),
                    session.identity().toString(),
                    session.ca().map(Path::toString).orElse(null),
                    session.p12PassphraseFile().map(Path::toString).orElse(null),
                    session.login(),
                    session.session(),
                    session.thumbprint(),
                    session.expiresAt().toString());
        }

        SavedSession toSession() {
            try {
                return new SavedSession(
                        server,
                        Path.of(identity),
                        Optional.ofNullable(ca).map(Path::of),
                        Optional.ofNullable(p12PassphraseFile).map(Path::of),
                        login,
                        session,
                        thumbprint,
                        Instant.parse(expiresAt));
            } catch (NullPointerException | DateTimeParseException e) {
                throw new IllegalArgumentException("a key is missing or not valid: " + e.getMessage(), e);
            }
        }

        @Override
        public String toString() {
            return "Stored[server=" + server + ", login=" + login + ", session=(hidden)]";
        }
    }
}
