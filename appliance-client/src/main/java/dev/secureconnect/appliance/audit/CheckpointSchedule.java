package dev.secureconnect.appliance.audit;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.appliance.config.ApplianceConfig;
import dev.secureconnect.crypto.chain.ChainCheckpoint;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's checkpoint signer: on its own thread (never the link's event loop: it reads the log's tail, signs and
 * forces a file to disk), looks every few seconds whether a checkpoint is due ({@code audit.checkpointEvery} records,
 * or {@code audit.checkpointInterval} since the last checkpoint, or since the start for the first), signs it, and
 * hands each new one to {@code signed} (the link, which sends it to the server). At {@link #close} the last records
 * are signed.
 */
public final class CheckpointSchedule implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointSchedule.class);
    /** The longest between two looks at the log. */
    static final Duration MAX_LOOK = Duration.ofSeconds(5);

    private final AuditCheckpoints checkpoints;
    private final String serial;
    private final Supplier<PrivateKey> key;
    private final ApplianceConfig.Audit settings;
    private final Consumer<ChainCheckpoint> signed;
    private final ScheduledExecutorService timer;
    private final Instant started = Instant.now();

    private CheckpointSchedule(
            AuditCheckpoints checkpoints,
            String serial,
            Supplier<PrivateKey> key,
            ApplianceConfig.Audit settings,
            Consumer<ChainCheckpoint> signed) {
        this.checkpoints = checkpoints;
        this.serial = serial;
        this.key = key;
        this.settings = settings;
        this.signed = signed;
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "sc-appliance-checkpoints");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts looking; the first look is at once (a checkpoint due since the last run is signed now). */
    public static CheckpointSchedule start(
            AuditCheckpoints checkpoints,
            String serial,
            PrivateKey key,
            ApplianceConfig.Audit settings,
            Consumer<ChainCheckpoint> signed) {
        requireNonNull(key, "key");
        return start(checkpoints, serial, () -> key, settings, signed);
    }

    /**
     * Starts looking, signing with the key {@code key} gives at each signature (the key of the link's certificate,
     * which changes when the certificate is renewed).
     */
    public static CheckpointSchedule start(
            AuditCheckpoints checkpoints,
            String serial,
            Supplier<PrivateKey> key,
            ApplianceConfig.Audit settings,
            Consumer<ChainCheckpoint> signed) {
        CheckpointSchedule schedule = new CheckpointSchedule(
                requireNonNull(checkpoints, "checkpoints"),
                requireNonNull(serial, "serial"),
                requireNonNull(key, "key"),
                requireNonNull(settings, "settings"),
                requireNonNull(signed, "signed"));
        long every = Math.max(
                100, Math.min(MAX_LOOK.toMillis(), settings.checkpointInterval().toMillis()));
        schedule.timer.scheduleWithFixedDelay(schedule::look, 0, every, TimeUnit.MILLISECONDS);
        return schedule;
    }

    private void look() {
        try {
            checkpoints
                    .signIfDue(serial, key.get(), settings.checkpointEvery(), settings.checkpointInterval(), started)
                    .ifPresent(this::signed);
        } catch (RuntimeException e) {
            LOG.warn("appliance {}: signing an audit checkpoint failed: {}", serial, e.getMessage(), e);
        }
    }

    private void signed(ChainCheckpoint checkpoint) {
        LOG.info("appliance {}: audit checkpoint signed at seq {}", serial, checkpoint.seq());
        signed.accept(checkpoint);
    }

    /** The newest checkpoint, if any. */
    public Optional<ChainCheckpoint> latest() {
        return checkpoints.latest();
    }

    /** Stops looking and signs the records not signed yet. */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            checkpoints
                    .sign(serial, key.get())
                    .ifPresent(checkpoint ->
                            LOG.info("appliance {}: last audit checkpoint signed at seq {}", serial, checkpoint.seq()));
        } catch (RuntimeException e) {
            LOG.warn("appliance {}: signing the last audit checkpoint failed: {}", serial, e.getMessage(), e);
        }
    }
}
