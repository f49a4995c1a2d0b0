package dev.secureconnect.appliance.testing;

import dev.secureconnect.appliance.audit.ApplianceAuditLog;
import dev.secureconnect.appliance.audit.ApplianceAuditRecord;
import dev.secureconnect.appliance.config.ApplianceConfig;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.appliance.daemon.ApplianceDaemon;
import dev.secureconnect.appliance.link.ApplianceStatus;
import dev.secureconnect.events.EventType;
import dev.secureconnect.testing.Eventually;
import dev.secureconnect.testing.PkiFiles;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * An appliance set up with {@code sc-appliance init} against a server address, with fast reconnects (50 ms doubling to
 * 200 ms) and a short admission timeout, and its daemon run in-process.
 */
public final class ApplianceUnderTest implements AutoCloseable {

    public static final String SERIAL = "SN-TEST-1";

    public final Path dir;
    private ApplianceDaemon daemon;

    private ApplianceUnderTest(Path dir) {
        this.dir = dir;
    }

    /** No web console: a test daemon binds no fixed port and makes no console key (the console's tests start theirs). */
    @SuppressWarnings("NullAway") // nulls: the defaults
    static final ApplianceConfig.Console CONSOLE_OFF =
            new ApplianceConfig.Console(false, null, 0, null, null, null, null, null);

    /** Initialises {@code work/appliance} for {@code server} ({@code HOST:PORT}). */
    public static ApplianceUnderTest init(Path work, String server) {
        PkiFiles files = PkiFiles.appliance(work.resolve("issued"), SERIAL);
        Path dir = work.resolve("appliance");
        ApplianceCli.ok(files.initArgs(dir, server));
        ApplianceDirectory.open(dir).updateConfig(config -> new ApplianceConfig(
                        config.server(),
                        config.keepAlive(),
                        new ApplianceConfig.Backoff(Duration.ofMillis(50), Duration.ofMillis(200)),
                        new ApplianceConfig.Timeouts(
                                Duration.ofSeconds(5),
                                Duration.ofSeconds(5),
                                Duration.ofSeconds(5),
                                Duration.ofSeconds(2)),
                        config.streams(),
                        config.services(),
                        config.files(),
                        config.tls())
                .withConsole(CONSOLE_OFF));
        return new ApplianceUnderTest(dir);
    }

    public ApplianceUnderTest start() {
        daemon = ApplianceDaemon.start(dir, Clock.systemUTC());
        return this;
    }

    /** Stops the daemon (as SIGTERM would). */
    public void stop() {
        if (daemon != null) {
            daemon.close();
            daemon = null;
        }
    }

    public ApplianceDaemon daemon() {
        return daemon;
    }

    public ApplianceStatus status() {
        return daemon.supervisor().status();
    }

    /** Runs {@code sc-appliance COMMAND --dir DIR ARGS…}, which must succeed. */
    public ApplianceCli.Result ok(String command, String... args) {
        return ApplianceCli.ok(args(command, args));
    }

    public ApplianceCli.Result run(String command, String... args) {
        return ApplianceCli.run(args(command, args));
    }

    private String[] args(String command, String... args) {
        String[] words = command.split(" ");
        String[] all = new String[words.length + 2 + args.length];
        System.arraycopy(words, 0, all, 0, words.length);
        all[words.length] = "--dir";
        all[words.length + 1] = dir.toString();
        System.arraycopy(args, 0, all, words.length + 2, args.length);
        return all;
    }

    public List<ApplianceAuditRecord> audit() {
        return new ApplianceAuditLog(ApplianceDirectory.open(dir), Clock.systemUTC()).records();
    }

    /** The audit records of one event type. */
    public List<ApplianceAuditRecord> audit(EventType type) {
        return audit().stream().filter(r -> r.eventId() == type.id()).toList();
    }

    /** Waits until the link is in {@code state}. */
    public ApplianceStatus awaitState(String state) {
        return Eventually.await(
                "link state " + state, this::status, s -> s.link().state().equals(state));
    }

    @Override
    public void close() {
        stop();
    }
}
