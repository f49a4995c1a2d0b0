package dev.secureconnect.appliance.daemon;

import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.admin.AdminServer;
import dev.secureconnect.appliance.audit.ApplianceAuditLog;
import dev.secureconnect.appliance.audit.ApplianceAuditRecord;
import dev.secureconnect.appliance.audit.AuditCheckpoints;
import dev.secureconnect.appliance.audit.CheckpointSchedule;
import dev.secureconnect.appliance.callhome.Bundle;
import dev.secureconnect.appliance.callhome.BundleCollector;
import dev.secureconnect.appliance.callhome.BundleSender;
import dev.secureconnect.appliance.callhome.CallHome;
import dev.secureconnect.appliance.callhome.OshiSystemView;
import dev.secureconnect.appliance.config.ApplianceConfig;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.appliance.config.ApplianceState;
import dev.secureconnect.appliance.config.Enrolment;
import dev.secureconnect.appliance.console.ConsoleServer;
import dev.secureconnect.appliance.exec.CommandCatalogue;
import dev.secureconnect.appliance.link.ApplianceStatus;
import dev.secureconnect.appliance.link.LinkSupervisor;
import dev.secureconnect.cli.InstanceLock;
import dev.secureconnect.cli.InstanceLockedException;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.tunnel.link.CaseNotice;
import dev.secureconnect.tunnel.transport.Transports;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code sc-appliance run}: one daemon per appliance directory (held by {@code DIR/run/daemon.lock}), with the link
 * supervisor on one Netty event loop and the admin socket at {@code DIR/run/admin.sock}.
 *
 * <pre>{@code
 * try (ApplianceDaemon daemon = ApplianceDaemon.start(dir, Clock.systemUTC())) {
 *     daemon.awaitClosed();
 * }
 * }</pre>
 */
public final class ApplianceDaemon implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ApplianceDaemon.class);
    /** How long a stopping daemon waits for its last audit records to be written. */
    private static final java.time.Duration AUDIT_DRAIN = java.time.Duration.ofSeconds(10);

    private final ApplianceDirectory directory;
    private final String serial;
    private final InstanceLock lock;
    private final EventLoopGroup group;
    private final LinkSupervisor supervisor;
    private final AdminServer admin;
    private final ApplianceAuditLog audit;
    private final CheckpointSchedule checkpoints;
    private final CallHome callHome;
    private final CountDownLatch closed = new CountDownLatch(1);
    private boolean closing;
    /** Binds the console off the start path (its first start makes a key); null when the console is off. */
    private @Nullable Thread consoleStart;

    private @Nullable ConsoleServer console;

    private ApplianceDaemon(
            ApplianceDirectory directory,
            String serial,
            InstanceLock lock,
            EventLoopGroup group,
            LinkSupervisor supervisor,
            AdminServer admin,
            ApplianceAuditLog audit,
            CheckpointSchedule checkpoints,
            CallHome callHome) {
        this.directory = directory;
        this.serial = serial;
        this.lock = lock;
        this.group = group;
        this.supervisor = supervisor;
        this.admin = admin;
        this.audit = audit;
        this.checkpoints = checkpoints;
        this.callHome = callHome;
    }

    /**
     * Starts the daemon of {@code dir}: checks its configuration and TLS files, opens the admin socket and, if
     * SecureConnect is enabled with a ticket connected, starts dialling.
     *
     * @throws ApplianceException with a one-line reason: not an appliance directory, a daemon already running, a
     *     broken {@code appliance.json}, an unusable certificate or key
     */
    public static ApplianceDaemon start(Path dir, Clock clock) {
        ApplianceDirectory directory = ApplianceDirectory.open(dir);
        Path run = prepareRunDir(directory);
        InstanceLock lock = null;
        EventLoopGroup group = null;
        LinkSupervisor supervisor = null;
        CallHome callHome = null;
        try {
            try {
                lock = InstanceLock.acquire(directory.daemonLockFile());
            } catch (InstanceLockedException e) {
                throw new ApplianceException("an sc-appliance daemon is already running for " + dir + " (PID " + e.pid()
                        + "): stop it first, or give this one a directory of its own with --dir");
            }
            ApplianceConfig config = directory.config();
            Enrolment.Material material = Enrolment.load(directory, config, clock);
            ApplianceState state = directory.state();
            ApplianceAuditLog audit = ApplianceAuditLog.open(directory, clock, config.audit());
            group = Transports.group(1, new DefaultThreadFactory("sc-appliance-link", true));
            supervisor = LinkSupervisor.create(
                    group.next(), material, config, version(), audit, directory::writeState, clock, directory);
            LinkSupervisor running = supervisor;
            audit.whenBacklogFull(() -> running.closeSessions("the audit log cannot be written"));
            callHome = callHome(directory, config, material, supervisor, audit, clock);
            AdminCommands commands = new AdminCommands(directory, supervisor, callHome);
            AdminServer admin = AdminServer.start(directory.adminSocket(), commands);
            AuditCheckpoints signed = new AuditCheckpoints(directory, audit, clock);
            LinkSupervisor link = supervisor;
            signed.latest().ifPresent(latest -> link.auditCheckpoint(latest.jws())); // the server gets it at once
            CheckpointSchedule checkpoints = CheckpointSchedule.start(
                    signed,
                    material.serial(),
                    link::linkKey,
                    config.audit(),
                    checkpoint -> link.auditCheckpoint(checkpoint.jws()));
            ApplianceDaemon daemon = new ApplianceDaemon(
                    directory, material.serial(), lock, group, supervisor, admin, audit, checkpoints, callHome);
            supervisor.start(state);
            callHome.start();
            if (config.console().enabled()) {
                daemon.startConsole(config.console(), commands, clock);
            }
            log.info(
                    "appliance {}: daemon running for {} (server {}, admin socket {})",
                    material.serial(),
                    directory,
                    config.server(),
                    run.resolve(directory.adminSocket().getFileName()));
            return daemon;
        } catch (IOException | RuntimeException e) {
            if (callHome != null) {
                callHome.close();
            }
            if (supervisor != null) {
                supervisor.close();
            }
            if (group != null) {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5_000);
            }
            release(lock);
            if (e instanceof ApplianceException refusal) {
                throw refusal;
            }
            throw new ApplianceException("cannot start the daemon for " + dir + ": " + OneLine.of(e.getMessage()), e);
        }
    }

    /**
     * Starts the web console on a thread of its own: the daemon does not wait for its certificate to be made, and a
     * console that cannot start (its port taken) is logged while the link and the admin socket work on.
     */
    private void startConsole(ApplianceConfig.Console settings, AdminCommands commands, Clock clock) {
        Thread thread = new Thread(
                () -> {
                    try {
                        ConsoleServer started = ConsoleServer.start(directory, settings, commands, audit, clock);
                        synchronized (this) {
                            if (!closing) {
                                console = started;
                                return;
                            }
                        }
                        started.close();
                    } catch (ApplianceException e) {
                        log.error("appliance {}: {}", serial, e.getMessage());
                    } catch (RuntimeException e) {
                        log.error("appliance {}: the console cannot start", serial, e);
                    }
                },
                "sc-appliance-console-start");
        thread.setDaemon(true);
        consoleStart = thread;
        thread.start();
    }

    /** Call Home: its collector reads the machine (OSHI), the link's state and its recent audit events. */
    private static CallHome callHome(
            ApplianceDirectory directory,
            ApplianceConfig config,
            Enrolment.Material material,
            LinkSupervisor supervisor,
            ApplianceAuditLog audit,
            Clock clock) {
        BundleCollector.LinkView link = recent -> {
            ApplianceStatus status = supervisor.status();
            List<ApplianceAuditRecord> records = recent == 0 ? List.of() : audit.records();
            List<Bundle.LinkEvent> events = records.stream()
                    .filter(r -> r.eventId() / 100 == 11 || r.eventId() / 100 == 14)
                    .map(r -> new Bundle.LinkEvent(r.time(), r.event(), r.outcome(), r.reason()))
                    .toList();
            return new Bundle.LinkReport(
                    status.enabled(),
                    status.link().state(),
                    status.link().reason(),
                    status.link().since(),
                    events.subList(Math.max(0, events.size() - recent), events.size()));
        };
        BundleCollector collector = new BundleCollector(new BundleCollector.Sources(
                material.serial(),
                new Bundle.Product("sc-appliance", version(), Runtime.version().toString()),
                clock,
                new OshiSystemView(),
                link,
                () -> CommandCatalogue.read(directory),
                UUID::randomUUID));
        BundleSender sender = new BundleSender(
                material,
                config.server(),
                config.callHome().sendTimeout(),
                config.tls().tlsProvider());
        return new CallHome(directory, directory::config, collector, sender, audit, clock, new CallHome.Cases() {
            @Override
            public List<CaseNotice.Decision> decisions() {
                return supervisor.decisions();
            }

            @Override
            public void learned(CaseNotice.Cases cases) {
                supervisor.casesLearned(cases);
            }
        });
    }

    /** {@code DIR/run}, mode 0700 (the admin socket inside must be the owner's alone). */
    private static Path prepareRunDir(ApplianceDirectory directory) {
        Path run = directory.runDir();
        try {
            if (!Files.isDirectory(run)) {
                Files.createDirectory(
                        run, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwx------"));
            return run;
        } catch (IOException e) {
            throw new ApplianceException("cannot prepare " + run + ": " + OneLine.of(e.getMessage()), e);
        }
    }

    /** The software version from the jar's manifest, or {@code development}. */
    public static String version() {
        String version = ApplianceDaemon.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }

    public ApplianceDirectory directory() {
        return directory;
    }

    public String serial() {
        return serial;
    }

    public LinkSupervisor supervisor() {
        return supervisor;
    }

    /** Blocks until {@link #close} has finished. */
    public void awaitClosed() throws InterruptedException {
        closed.await();
    }

    /** Stops: the link and streams closed (audited), the admin socket removed, the lock released. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
        }
        try {
            log.info("appliance {}: daemon stopping", serial);
            stopConsole();
            callHome.close();
            supervisor.close();
            admin.close();
            checkpoints.close(); // after the link's last records: they are signed too
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10_000);
            audit.close(AUDIT_DRAIN); // the sessions' closing records are written before the daemon lock goes
            release(lock);
            log.info("appliance {}: daemon stopped", serial);
        } finally {
            closed.countDown();
        }
    }

    private void stopConsole() {
        Thread starting = consoleStart;
        if (starting != null) {
            try {
                starting.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        ConsoleServer running;
        synchronized (this) {
            running = console;
            console = null;
        }
        if (running != null) {
            running.close();
        }
    }

    private static void release(@Nullable InstanceLock lock) {
        try {
            if (lock != null) {
                lock.close();
            }
        } catch (IOException e) {
            log.warn("cannot release the daemon lock: {}", e.getMessage());
        }
    }
}
