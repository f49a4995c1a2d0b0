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
import dev.secureconnect.appliance.exec.CommandCatalogue;
import dev.secureconnect.appliance.link.ApplianceStatus;
import dev.secureconnect.appliance.link.LinkSupervisor;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.tunnel.transport.Transports;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final EventLoopGroup group;
    private final LinkSupervisor supervisor;
    private final AdminServer admin;
    private final ApplianceAuditLog audit;
    private final CheckpointSchedule checkpoints;
    private final CallHome callHome;
    private final CountDownLatch closed = new CountDownLatch(1);
    private boolean closing;

    private ApplianceDaemon(
            ApplianceDirectory directory,
            String serial,
            FileChannel lockChannel,
            FileLock lock,
            EventLoopGroup group,
            LinkSupervisor supervisor,
            AdminServer admin,
            ApplianceAuditLog audit,
            CheckpointSchedule checkpoints,
            CallHome callHome) {
        this.directory = directory;
        this.serial = serial;
        this.lockChannel = lockChannel;
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
        FileChannel lockChannel = null;
        FileLock lock = null;
        EventLoopGroup group = null;
        LinkSupervisor supervisor = null;
        CallHome callHome = null;
        try {
            lockChannel = FileChannel.open(
                    directory.daemonLockFile(),
                    java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new ApplianceException("an sc-appliance daemon is already running for " + dir);
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
            AdminServer admin =
                    AdminServer.start(directory.adminSocket(), new AdminCommands(directory, supervisor, callHome));
            AuditCheckpoints signed = new AuditCheckpoints(directory, audit, clock);
            LinkSupervisor link = supervisor;
            signed.latest().ifPresent(latest -> link.auditCheckpoint(latest.jws())); // the server gets it at once
            CheckpointSchedule checkpoints = CheckpointSchedule.start(
                    signed,
                    material.serial(),
                    material.keys().privateKey(),
                    config.audit(),
                    checkpoint -> link.auditCheckpoint(checkpoint.jws()));
            ApplianceDaemon daemon = new ApplianceDaemon(
                    directory,
                    material.serial(),
                    lockChannel,
                    lock,
                    group,
                    supervisor,
                    admin,
                    audit,
                    checkpoints,
                    callHome);
            supervisor.start(state);
            callHome.start();
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
            release(lock, lockChannel);
            if (e instanceof ApplianceException refusal) {
                throw refusal;
            }
            throw new ApplianceException("cannot start the daemon for " + dir + ": " + OneLine.of(e.getMessage()), e);
        }
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
        return new CallHome(directory, directory::config, collector, sender, audit, clock);
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
            callHome.close();
            supervisor.close();
            admin.close();
            checkpoints.close(); // after the link's last records: they are signed too
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10_000);
            audit.close(AUDIT_DRAIN); // the sessions' closing records are written before the daemon lock goes
            release(lock, lockChannel);
            log.info("appliance {}: daemon stopped", serial);
        } finally {
            closed.countDown();
        }
    }

    private static void release(@Nullable FileLock lock, @Nullable FileChannel channel) {
        try {
            if (lock != null && lock.isValid()) {
                lock.release();
            }
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            log.warn("cannot release the daemon lock: {}", e.getMessage());
        }
    }
}
