package dev.secureconnect.server.cli;

import dev.secureconnect.server.ServerDaemon;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.config.ConfigFile;
import dev.secureconnect.server.config.ServerConfig;
import dev.secureconnect.server.storage.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import picocli.CommandLine.Option;

/**
 * {@code --dir DIR}: the server directory, its configuration and its database; without it, cli-support's
 * {@code InstanceDirectory} ({@code $SC_DIR}, else {@code /var/lib/secureconnect/server}).
 */
final class ServerDir {

    @Option(
            names = "--dir",
            required = true,
            paramLabel = "DIR",
            description = "The server directory (holds server.yaml); default: $SC_DIR, else"
                    + " /var/lib/secureconnect/server.")
    Path dir;

    /** The directory {@code dir}, for a command whose {@code --dir} is optional. */
    static ServerDir of(Path dir) {
        ServerDir server = new ServerDir();
        server.dir = dir;
        return server;
    }

    ServerConfig config() {
        if (!Files.isDirectory(dir)) {
            throw new CliException(dir + " does not exist: create it with 'sc-server init --dir " + dir + " …'");
        }
        return ConfigFile.read(dir);
    }

    /** Opens the configured database (migrating it if needed). */
    Database database() {
        return Database.open(ServerDaemon.databaseSettings(dir.toAbsolutePath().normalize(), config().database()));
    }

    ServerAuditLog audit(Database database) {
        return new ServerAuditLog(database, Clock.systemUTC());
    }

    /** Who runs an admin command, as the audit log records it. */
    static String actor() {
        String user = System.getenv().getOrDefault("USER", System.getProperty("user.name", "unknown"));
        return "operator:" + user;
    }
}
