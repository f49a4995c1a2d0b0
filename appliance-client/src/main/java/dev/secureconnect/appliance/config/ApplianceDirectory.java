package dev.secureconnect.appliance.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.internal.FileLocks;
import dev.secureconnect.appliance.internal.Json;
import dev.secureconnect.crypto.files.DurableFiles;
import dev.secureconnect.crypto.text.OneLine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * The files of one appliance under {@code DIR}. Reads and read-modify-writes of {@code appliance.json} and
 * {@code state.json} hold {@code DIR/.lock}, so the daemon and admin commands never lose each other's changes; every
 * write replaces the file atomically.
 */
public final class ApplianceDirectory {

    public static final String CONFIG_FILE = "appliance.json";
    public static final String STATE_FILE = "state.json";
    public static final String AUDIT_FILE = "audit.log";
    public static final String TOKEN_KEYS_FILE = "token-keys.json";
    public static final String REVOKED_TOKENS_FILE = "revoked-tokens.json";
    public static final String COMMANDS_FILE = "commands.json";
    public static final String FOLDERS_FILE = "folders.json";

    private final Path root;
    private final Path given;

    private ApplianceDirectory(Path given) {
        this.given = given;
        this.root = given.toAbsolutePath().normalize();
    }

    /**
     * An initialised appliance directory.
     *
     * @throws ApplianceException if {@code dir} holds no {@code appliance.json}
     */
    public static ApplianceDirectory open(Path dir) {
        ApplianceDirectory directory = new ApplianceDirectory(dir);
        if (!Files.isRegularFile(directory.configFile())) {
            throw new ApplianceException(dir + " is not an sc-appliance directory (it has no " + CONFIG_FILE
                    + "): set one up with 'sc-appliance init --dir " + dir + " --server HOST:PORT --cert F --key F"
                    + " --chain F --ca F'");
        }
        return directory;
    }

    /** The directory as {@code init} is about to create it: no check that it exists. */
    static ApplianceDirectory uninitialised(Path dir) {
        return new ApplianceDirectory(dir);
    }

    public Path root() {
        return root;
    }

    public Path configFile() {
        return root.resolve(CONFIG_FILE);
    }

    public Path stateFile() {
        return root.resolve(STATE_FILE);
    }

    public Path auditFile() {
        return root.resolve(AUDIT_FILE);
    }

    /** The pinned public JWK Set that verifies access tokens ({@code sc-appliance token-key}). */
    public Path tokenKeysFile() {
        return root.resolve(TOKEN_KEYS_FILE);
    }

    /** The ids of revoked, unexpired access tokens the server pushed. */
    public Path revokedTokensFile() {
        return root.resolve(REVOKED_TOKENS_FILE);
    }

    /** The command catalogue ({@code sc-appliance commands}). */
    public Path commandsFile() {
        return root.resolve(COMMANDS_FILE);
    }

    /** The folders support may read or write ({@code sc-appliance files}). */
    public Path foldersFile() {
        return root.resolve(FOLDERS_FILE);
    }

    /** Where the audit log's head (last sequence number and hash) is kept, to notice entries cut off its end. */
    public Path auditHeadFile() {
        return root.resolve("audit.head");
    }

    /** The audit log's signed checkpoints, one JSON line each (see {@code AuditCheckpoints}). */
    public Path auditCheckpointsFile() {
        return root.resolve("audit.checkpoints");
    }

    public Path auditCheckpointsLockFile() {
        return root.resolve(".audit-checkpoints.lock");
    }

    public Path auditLockFile() {
        return root.resolve(".audit.lock");
    }

    /** The daemon's folder: mode 0700, holding {@code admin.sock} and {@code daemon.lock}. */
    public Path runDir() {
        return root.resolve("run");
    }

    public Path adminSocket() {
        return runDir().resolve("admin.sock");
    }

    public Path daemonLockFile() {
        return runDir().resolve("daemon.lock");
    }

    /**
     * The daemon's audit spill file: the records that follow an action, held (fsynced) while {@code audit.log} cannot
     * be written (see {@code AuditSpill}).
     */
    public Path auditSpillFile() {
        return runDir().resolve("audit-spill.jsonl");
    }

    Path lockFile() {
        return root.resolve(".lock");
    }

    /** A file named in {@code appliance.json}: relative to the directory unless absolute. */
    public Path resolve(String file) {
        return root.resolve(file);
    }

    public ApplianceConfig config() {
        return FileLocks.locked(lockFile(), () -> read(configFile(), ApplianceConfig.class, null));
    }

    /** Changes {@code appliance.json} under the lock; returns what was written. */
    public ApplianceConfig updateConfig(UnaryOperator<ApplianceConfig> change) {
        return FileLocks.locked(lockFile(), () -> {
            ApplianceConfig updated = change.apply(read(configFile(), ApplianceConfig.class, null));
            write(configFile(), updated);
            return updated;
        });
    }

    /** {@code state.json}, or the initial state (disabled, no tickets) when it is missing. */
    public ApplianceState state() {
        return FileLocks.locked(lockFile(), () -> read(stateFile(), ApplianceState.class, ApplianceState.INITIAL));
    }

    public void writeState(ApplianceState state) {
        FileLocks.locked(lockFile(), () -> write(stateFile(), state));
    }

    /** A JSON document of this directory read under the lock, or {@code whenMissing} when the file does not exist. */
    public <T> T readDocument(Path file, Class<T> type, T whenMissing) {
        return FileLocks.locked(lockFile(), () -> read(file, type, whenMissing));
    }

    /** Changes a JSON document of this directory under the lock (atomic replace, mode 0600); returns what was written. */
    public <T> T updateDocument(Path file, Class<T> type, T whenMissing, UnaryOperator<T> change) {
        return FileLocks.locked(lockFile(), () -> {
            T updated = change.apply(read(file, type, whenMissing));
            write(file, updated);
            return updated;
        });
    }

    /** Replaces a file of this directory under the lock (atomic, mode 0600). */
    public void replaceFile(Path file, byte[] content) {
        FileLocks.locked(lockFile(), () -> {
            writeOwnerOnly(file, content);
            return null;
        });
    }

    void writeConfig(ApplianceConfig config) {
        FileLocks.locked(lockFile(), () -> write(configFile(), config));
    }

    private static <T> T read(Path file, Class<T> type, @Nullable T whenMissing) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            if (whenMissing != null) {
                return whenMissing;
            }
            throw new ApplianceException(file + " does not exist", e);
        } catch (IOException e) {
            throw new ApplianceException(file + " cannot be read: " + OneLine.of(e.getMessage()), e);
        }
        try {
            T value = Json.PRETTY.readValue(bytes, type);
            if (value == null) {
                throw new ApplianceException(file + ": empty document (expected a JSON object)");
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new ApplianceException(file + ": " + Json.problem(e), e);
        } catch (IOException e) {
            throw new ApplianceException(file + " cannot be read: " + OneLine.of(e.getMessage()), e);
        } catch (ApplianceException e) {
            throw new ApplianceException(file + ": " + e.getMessage(), e);
        }
    }

    private static void write(Path file, Object value) {
        byte[] bytes;
        try {
            bytes = (Json.PRETTY.writeValueAsString(value) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + file.getFileName(), e);
        }
        writeOwnerOnly(file, bytes);
    }

    private static void writeOwnerOnly(Path file, byte[] content) {
        try {
            DurableFiles.write(file, content, DurableFiles.Access.OWNER_ONLY);
        } catch (IOException e) {
            throw new ApplianceException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** The directory as the admin named it (for messages). */
    @Override
    public String toString() {
        return given.toString();
    }
}
