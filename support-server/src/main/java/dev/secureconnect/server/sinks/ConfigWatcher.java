package dev.secureconnect.server.sinks;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.server.config.ConfigException;
import dev.secureconnect.server.config.ConfigFile;
import dev.secureconnect.server.config.FileStamp;
import dev.secureconnect.server.config.ServerConfig;
import dev.secureconnect.server.config.Sink;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks at {@code server.yaml} (call {@link #look} about once a second) and applies a change of its {@code sinks}
 * to the running {@link ExportSinks}, without a restart. A change anywhere else is logged once as needing a
 * restart; a file that no longer parses, or sinks that cannot be set up, are logged and the running sinks kept.
 */
public final class ConfigWatcher {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigWatcher.class);

    private final Path dir;
    private final ExportSinks sinks;
    private final ServerConfig started;
    private List<Sink> appliedSinks;
    private @Nullable FileStamp seen; // null while the file cannot be read
    private boolean restartNoted;

    public ConfigWatcher(Path dir, ServerConfig started, ExportSinks sinks) {
        this.dir = requireNonNull(dir, "dir");
        this.started = requireNonNull(started, "started");
        this.appliedSinks = started.sinks();
        this.sinks = requireNonNull(sinks, "sinks");
        this.seen = FileStamp.of(dir.resolve(ConfigFile.NAME));
    }

    /** Applies a changed {@code server.yaml}; never throws. */
    public synchronized void look() {
        Path file = dir.resolve(ConfigFile.NAME);
        FileStamp now = FileStamp.of(file);
        if (now == null || now.equals(seen)) {
            return; // unchanged, or being replaced: look again next time
        }
        seen = now;
        ServerConfig changed;
        try {
            changed = ConfigFile.read(dir);
        } catch (ConfigException e) {
            LOG.error("{} changed but is not valid, keeping the running sinks: {}", file, e.getMessage());
            return;
        }
        if (!changed.sinks().equals(appliedSinks)) {
            try {
                sinks.apply(changed.sinks());
                LOG.info("{} changed: sinks now {}", file, sinks.names());
                appliedSinks = changed.sinks();
            } catch (RuntimeException e) {
                LOG.error(
                        "{} changed but its sinks cannot be set up, keeping the running ones: {}",
                        file,
                        e.getMessage());
            }
        }
        if (!changed.withoutSinks().equals(started.withoutSinks()) && !restartNoted) {
            restartNoted = true;
            LOG.warn("{} changed outside 'sinks': restart sc-server to apply it (sinks apply without a restart)", file);
        }
    }
}
