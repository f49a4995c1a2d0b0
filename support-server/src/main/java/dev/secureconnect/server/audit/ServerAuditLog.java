package dev.secureconnect.server.audit;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.chain.ChainWalk;
import dev.secureconnect.crypto.chain.HashChain;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.AuditVerification.Problem;
import dev.secureconnect.server.metrics.AuditMetrics;
import dev.secureconnect.server.storage.Database;
import dev.secureconnect.server.storage.Dialect;
import dev.secureconnect.server.storage.StorageException;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's append-only, hash-chained audit log in the database.
 *
 * <p><b>Chain.</b> Record {@code n} stores {@code prev_hash} = the hash of record {@code n-1}
 * ({@link HashChain#GENESIS} for record 1) and {@code hash = HashChain.link(prev_hash, canonical)}, where
 * {@code canonical} encodes every other column of the row (seq, time, event id, actor, appliance, ticket, session,
 * source, outcome, details) as described on {@code AuditRow#canonical()}: UTF-8 lines {@code name=value}, text values
 * length-prefixed and NULL written {@code ~}. The single-row table {@code audit_head} holds the last seq and hash.
 *
 * <p><b>Serialisation across processes.</b> Every append runs in a transaction whose first statement updates the
 * head row. On PostgreSQL that takes the row's lock, on SQLite the database's write lock; either way a second
 * appender, in this process or another, waits until the first commits and then reads the new head, so two records
 * can never claim the same predecessor. The head is updated in the same transaction as the insert.
 *
 * <p><b>Durability.</b> {@link #append} returns after the commit; with SQLite's {@code synchronous=FULL} (and
 * PostgreSQL's default {@code synchronous_commit=on}) the record is then on disk.
 *
 * <p><b>Group commit.</b> An {@link #append} queues its event. One appender at a time leads: holding this
 * process's write turn (which {@link #inTransaction} holds for its work too) it appends every queued event (at most
 * {@value #MAX_BATCH}, oldest first) in one transaction, so that appends arriving together share one commit and one
 * disk flush, and wakes each of their callers once that transaction has committed; when its own event is committed it
 * hands the lead to the oldest appender still waiting. A lone append leads at once: nothing waits for company. If a
 * batch's transaction fails it is rolled back and every append in it throws; none of its records is in the log.
 *
 * <p><b>Fail closed, lose nothing.</b> When the database cannot commit (locked, full, down), {@link #append} and
 * {@link #inTransaction} throw {@link AuditUnavailableException}: the caller must not do what the record was for (the
 * engineer is answered 503 {@value AuditUnavailableException#REASON}). A record of something that already happened
 * goes through {@link #appendOrHold}: if it cannot be committed it is held in the daemon's {@link AuditSpill} (fsynced),
 * preceded by an {@code audit.degraded} record. While records are held every other transaction fails at once (no
 * wait for the database's busy timeout); {@link #appendHeld} (the daemon calls it every {@code audit.spillRetry})
 * appends the held records, oldest first (each with the detail {@code spilledAt}), and {@code audit.recovered} in one
 * transaction, and the log commits again; so the log keeps the order in which this process spilled and committed. A crash between that commit and the spill's truncation appends
 * the held records a second time at the next start (at least once, never lost; the copies have the same
 * {@code spilledAt}).
 *
 * <p>Thread-safe.
 */
public final class ServerAuditLog {

    /** The most records one {@link #list} call returns. */
    public static final int MAX_LIST_LIMIT = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(ServerAuditLog.class);
    private static final int VERIFY_PAGE_SIZE = 1_000;

    /** The most queued appends one transaction takes. */
    static final int MAX_BATCH = 256;

    private final Database database;
    private final Clock clock;
    /** Where records of what already happened wait while the database cannot take them; empty outside the daemon. */
    private final Optional<AuditSpill> spill;

    private final List<Runnable> spillFullListeners = new CopyOnWriteArrayList<>();
    /** Refusals not held because the spill was full, reported by the next {@code audit.recovered}. */
    private final AtomicLong unrecorded = new AtomicLong();
    /** Whether the spill-full listeners ran for this outage. */
    private boolean fullSignalled;
    /** The last commit failure, for {@link #state}; empty once a commit succeeds. */
    private volatile String lastError = "";

    private final List<Runnable> appendListeners = new CopyOnWriteArrayList<>();
    private volatile AuditMetrics metrics = AuditMetrics.none();
    /** This process's turn to write the log: held by the transaction that appends (a batch, or someone's work). */
    private final ReentrantLock writeTurn = new ReentrantLock();
    /** Guards {@link #queued} and {@link #leading}. */
    private final Object queueLock = new Object();
    /** Appends waiting to be taken into a transaction, oldest first. */
    private final ArrayDeque<QueuedAppend> queued = new ArrayDeque<>();
    /** Whether one appender leads: appends the queued events batch by batch (the others wait for their record). */
    private boolean leading;

    /** A log without a spill (the admin commands): a record that cannot be committed is only logged as an error. */
    public ServerAuditLog(Database database, Clock clock) {
        this(database, clock, Optional.empty());
    }

    /** The daemon's log: records of what already happened are held in {@code spill} while the database fails. */
    public ServerAuditLog(Database database, Clock clock, AuditSpill spill) {
        this(database, clock, Optional.of(requireNonNull(spill, "spill")));
    }

    private ServerAuditLog(Database database, Clock clock, Optional<AuditSpill> spill) {
        this.database = requireNonNull(database, "database");
        this.clock = requireNonNull(clock, "clock");
        this.spill = spill;
    }

    /** Whether a record that cannot be committed is held in the spill. */
    public enum Hold {
        /** A record of something that already happened ({@code stream.closed}, {@code command.run}): always held. */
        ALWAYS,
        /**
         * A refusal: held while the spill has room; once it is full only counted ({@code unrecorded} in the next
         * {@code audit.recovered}), so that a flood of refused attempts cannot push out the records of actions.
         */
        WHILE_ROOM
    }

    /**
     * The audit log's health for {@code status} and {@code audit status}.
     *
     * @param degraded whether records are held in the spill (the database could not commit them)
     * @param held how many records the spill holds
     * @param full whether the spill reached its bound (sessions closed, new ones refused)
     * @param unrecorded refusals not held since the spill was full
     * @param error the last commit failure, empty when the last commit succeeded
     */
    public record State(boolean degraded, int held, boolean full, long unrecorded, String error) {
        public String describe() {
            return degraded
                    ? "degraded: " + held + " record(s) held in the spill file"
                            + (full ? " (full: sessions closed)" : "")
                            + (unrecorded > 0 ? ", " + unrecorded + " refusal(s) unrecorded" : "")
                            + (error.isEmpty() ? "" : "; last error: " + error)
                    : "ok";
        }
    }

    public State state() {
        int held = spill.map(AuditSpill::size).orElse(0);
        boolean full = spill.map(AuditSpill::full).orElse(false);
        return new State(held > 0, held, full, unrecorded.get(), lastError);
    }

    /** Runs {@code listener} (once per outage) when the spill reaches its bound: the daemon closes every session. */
    public void onSpillFull(Runnable listener) {
        spillFullListeners.add(requireNonNull(listener, "listener"));
    }

    /** Counts the records this process commits, the transactions that fail, and each append's wait, in {@code metrics}. */
    public void measuredBy(AuditMetrics measuring) {
        this.metrics = requireNonNull(measuring, "measuring");
    }

    /**
     * Appends {@code events}, in order, in one transaction; if the database cannot commit them, holds them in the
     * spill (see {@link Hold}) to be appended, in order, with the next commit. Never throws for a database failure.
     */
    public void appendOrHold(List<ServerAuditEvent> events, Hold hold) {
        requireNonNull(hold, "hold");
        List<ServerAuditEvent> copy = List.copyOf(events);
        if (copy.isEmpty()) {
            return;
        }
        try {
            inTransaction(transaction -> {
                List<ServerAuditRecord> appended = new ArrayList<>(copy.size());
                for (ServerAuditEvent event : copy) {
                    appended.add(transaction.append(event));
                }
                return appended;
            });
        } catch (AuditUnavailableException e) {
            hold(copy, hold, e);
        }
    }

    /** Appends the held records if there are any (the daemon's periodic retry); quiet while the database fails. */
    public void appendHeld() {
        if (spill.map(AuditSpill::isEmpty).orElse(true)) {
            return;
        }
        try {
            inTransaction(transaction -> List.of(), true); // appends nothing but the held records
        } catch (AuditUnavailableException e) {
            LOG.debug("held audit records still not appended: {}", e.getMessage());
        }
    }

    /**
     * Holds {@code events}, whose commit has just failed with {@code cause} elsewhere (a batch of {@link
     * BatchedRecords}), as {@link #appendOrHold} holds its own: in the spill (see {@link Hold}), to be appended with the
     * next commit. Does not try the database again. Never throws for a spill failure: it logs the records instead.
     */
    void hold(List<ServerAuditEvent> events, Hold hold, AuditUnavailableException cause) {
        requireNonNull(hold, "hold");
        requireNonNull(cause, "cause");
        String names =
                events.stream().map(event -> event.type().eventName()).toList().toString();
        if (spill.isEmpty()) {
            LOG.error("cannot append {} to the audit log: {}", names, cause.getMessage(), cause);
            return;
        }
        AuditSpill held = spill.get();
        boolean signalFull;
        synchronized (held) {
            if (hold == Hold.WHILE_ROOM && held.full()) {
                unrecorded.addAndGet(events.size());
                LOG.error(
                        "audit log unavailable and its spill file full: {} not recorded: {}",
                        names,
                        cause.getMessage());
                return;
            }
            boolean writeFailed = false;
            try {
                for (ServerAuditEvent event : events) {
                    held.add(new AuditSpill.Spilled(event, clock.instant()));
                }
                LOG.warn(
                        "audit log unavailable ({}): {} held in {}, {} record(s) held in all",
                        cause.getMessage(),
                        names,
                        held.file(),
                        held.size());
            } catch (IOException e) {
                // the last resort: the server log holds what neither the audit log nor the spill file could
                writeFailed = true;
                LOG.error(
                        "audit log unavailable and the spill file {} cannot be written ({}): {} kept only here: {}",
                        held.file(),
                        e.getMessage(),
                        names,
                        events,
                        e);
            }
            signalFull = (held.full() || writeFailed) && !fullSignalled;
            fullSignalled |= signalFull;
        }
        if (signalFull) {
            LOG.error(
                    "the audit spill file {} is full ({} records): closing every session until the audit log"
                            + " commits again",
                    held.file(),
                    held.size());
            spillFullListeners.forEach(Runnable::run);
        }
    }

    /**
     * Appends one event as the next record and returns it once it is committed.
     *
     * @throws AuditUnavailableException if the database cannot commit it; nothing is appended then
     */
    public ServerAuditRecord append(ServerAuditEvent event) {
        requireNonNull(event, "event");
        long started = System.nanoTime();
        QueuedAppend mine = new QueuedAppend(event);
        boolean lead;
        synchronized (queueLock) {
            queued.add(mine);
            lead = !leading;
            leading = true;
        }
        if (!lead) {
            lead = mine.awaitLeadOrRecord();
        }
        if (lead) {
            lead(mine);
        }
        ServerAuditRecord record = mine.record();
        metrics.appendTook(System.nanoTime() - started);
        LOG.debug("audit record {} appended: {}", record.seq(), event.type().eventName());
        return record;
    }

    /**
     * Appends the queued events, batch by batch with the write turn, until {@code mine} is among them; then hands the
     * lead to the oldest appender still waiting (whose event is in the next batch), and wakes the listeners if
     * anything was committed. Each caller in a batch is woken by itself, so none waits for the others to go first.
     */
    private void lead(QueuedAppend mine) {
        boolean committed = false;
        try {
            while (!mine.done()) {
                writeTurn.lock();
                try {
                    committed |= appendBatch();
                } finally {
                    writeTurn.unlock();
                }
            }
        } finally {
            QueuedAppend next;
            synchronized (queueLock) {
                next = queued.peek();
                leading = next != null;
            }
            if (next != null) {
                next.lead();
            }
        }
        if (committed) {
            appendListeners.forEach(Runnable::run);
        }
    }

    /**
     * Takes the oldest queued events (at most {@link #MAX_BATCH}), appends them in one transaction and settles each:
     * its record once committed, or the failure. Returns whether the transaction committed. Called holding the turn.
     */
    private boolean appendBatch() {
        List<QueuedAppend> batch = new ArrayList<>();
        synchronized (queueLock) {
            while (batch.size() < MAX_BATCH && !queued.isEmpty()) {
                batch.add(queued.poll());
            }
        }
        List<ServerAuditRecord> records;
        try {
            records = holdingHead(
                    transaction -> {
                        List<ServerAuditRecord> appended = new ArrayList<>(batch.size());
                        for (QueuedAppend append : batch) {
                            appended.add(transaction.append(append.event()));
                        }
                        return appended;
                    },
                    false);
        } catch (RuntimeException | Error e) {
            for (QueuedAppend append : batch) {
                append.fail(e);
            }
            return false;
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).succeed(records.get(i));
        }
        return true;
    }

    /**
     * Runs {@code work} in one transaction holding the audit head, so that the caller's own changes (a new ticket,
     * say) and the records it appends commit together or not at all. The head is locked before {@code work} runs:
     * every writer of the log takes that lock first, so writers queue instead of deadlocking. Keep the work short;
     * every other appender waits for it.
     */
    public <T> T inTransaction(AuditedWork<T> work) {
        return inTransaction(work, false);
    }

    private <T> T inTransaction(AuditedWork<T> work, boolean retry) {
        requireNonNull(work, "work");
        T result;
        writeTurn.lock();
        try {
            result = holdingHead(work, retry);
        } finally {
            writeTurn.unlock();
        }
        appendListeners.forEach(Runnable::run);
        return result;
    }

    /**
     * Runs {@code work} in one transaction that first locks the audit head (see {@link #inTransaction}). While records
     * are held (degraded) only the {@code retry} ({@link #appendHeld}) goes to the database, the others fail at once:
     * an engineer is told at once instead of after the database's busy timeout, and the blocking threads are not tied
     * up waiting for a database that is known to fail.
     */
    private <T> T holdingHead(AuditedWork<T> work, boolean retry) {
        List<AuditSpill.Spilled> replay = spill.map(AuditSpill::records).orElse(List.of());
        if (!retry && !replay.isEmpty()) {
            throw new AuditUnavailableException(
                    "audit log unavailable since " + replay.get(0).spilledAt()
                            + (lastError.isEmpty() ? "" : ": " + lastError) + " (" + replay.size()
                            + " record(s) held, retrying)",
                    null);
        }
        long unrecordedNow = unrecorded.get();
        long[] heads = new long[2]; // the head's seq before and after: the records appended
        T result;
        try {
            result = database.inTransaction(connection -> {
                try (Statement lock = connection.createStatement()) {
                    if (database.dialect() == Dialect.POSTGRESQL) {
                        // as SQLite's busy timeout: a head locked elsewhere for longer makes the log unavailable
                        lock.execute("SET LOCAL lock_timeout = '"
                                + database.lockTimeout().toMillis() + "ms'");
                    }
                    if (lock.executeUpdate("UPDATE audit_head SET seq = seq WHERE id = 1") != 1) {
                        throw new StorageException("database " + database.url() + ": the audit head row is missing;"
                                + " run 'sc-server audit verify'");
                    }
                }
                Head head = readHead(connection).orElseThrow();
                AuditTransaction transaction = new AuditTransaction(connection, clock, head.seq(), head.hash());
                heads[0] = head.seq();
                if (!replay.isEmpty()) {
                    appendHeld(transaction, replay, unrecordedNow);
                }
                T done = work.run(transaction);
                heads[1] = transaction.headSeq();
                return done;
            });
        } catch (AuditUnavailableException e) {
            metrics.failed();
            throw e;
        } catch (StorageException e) {
            metrics.failed();
            noteFailure(e);
            throw new AuditUnavailableException(e.getMessage(), e);
        }
        metrics.committed((int) (heads[1] - heads[0]), heads[1]);
        lastError = "";
        if (!replay.isEmpty()) {
            released(replay.size(), unrecordedNow);
        }
        return result;
    }

    /** The held records, oldest first, each with {@code spilledAt}, then {@code audit.recovered}. */
    private void appendHeld(AuditTransaction transaction, List<AuditSpill.Spilled> replay, long unrecordedNow)
            throws SQLException {
        for (AuditSpill.Spilled held : replay) {
            ServerAuditEvent event = held.event();
            Map<String, String> details = new TreeMap<>(event.details());
            details.put("spilledAt", held.spilledAt().toString());
            transaction.append(new ServerAuditEvent(
                    event.type(),
                    event.actor(),
                    event.applianceSerial(),
                    event.ticket(),
                    event.sessionId(),
                    event.sourceAddress(),
                    event.outcome(),
                    details));
        }
        Instant since = replay.get(0).spilledAt();
        transaction.append(ServerAuditEvent.builder(EventType.AUDIT_RECOVERED)
                .actor("system")
                .detail("appended", replay.size())
                .detail("unrecorded", unrecordedNow)
                .detail("degradedFor", Duration.between(since, clock.instant()).toString())
                .build());
    }

    /** After the commit that appended {@code count} held records: forgets them. */
    private void released(int count, long unrecordedNow) {
        AuditSpill held = spill.orElseThrow();
        synchronized (held) {
            try {
                held.removeFirst(count);
            } catch (IOException e) {
                LOG.error(
                        "{} held audit record(s) were appended but the spill file {} cannot be cut ({}): they will"
                                + " be appended again at the next start",
                        count,
                        held.file(),
                        e.getMessage(),
                        e);
            }
            unrecorded.addAndGet(-unrecordedNow);
            if (held.isEmpty()) {
                fullSignalled = false;
            }
        }
        LOG.warn("audit log recovered: {} held record(s) appended", count);
    }

    /**
     * A commit failed: with a spill, the outage's first failure is itself held as {@code audit.degraded}, so the log
     * says when the records after it were spilled.
     */
    private void noteFailure(StorageException failure) {
        lastError = failure.getMessage() == null ? failure.toString() : failure.getMessage();
        if (spill.isEmpty()) {
            return;
        }
        AuditSpill held = spill.get();
        synchronized (held) {
            if (!held.isEmpty()) {
                return;
            }
            LOG.error("audit log unavailable: {}", lastError);
            try {
                held.add(new AuditSpill.Spilled(
                        ServerAuditEvent.builder(EventType.AUDIT_DEGRADED)
                                .actor("system")
                                .outcome(ServerAuditEvent.Outcome.FAILURE)
                                .detail("error", lastError)
                                .detail("spilled", held.size())
                                .build(),
                        clock.instant()));
            } catch (IOException e) {
                LOG.error("cannot write the spill file {}: {}", held.file(), e.getMessage(), e);
            }
        }
    }

    /**
     * Runs {@code listener} after every committed transaction of this process that held the head (so after new
     * records, at most a few calls too many; once for a batch of appends committed together). For the export sinks,
     * to deliver without polling delay; records appended by other processes ({@code sc-server} admin commands) are
     * found by their periodic look.
     * The listener must be quick and must not throw.
     */
    public void onAppend(Runnable listener) {
        appendListeners.add(requireNonNull(listener, "listener"));
    }

    /** Every record of one session (its session id), oldest first; at most {@link #MAX_LIST_LIMIT}. */
    public List<ServerAuditRecord> session(String sessionId) {
        requireNonNull(sessionId, "sessionId");
        List<AuditRow> rows = database.withConnection(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT " + AuditRow.COLUMNS
                    + " FROM audit_log WHERE session_id = ? ORDER BY seq LIMIT " + MAX_LIST_LIMIT)) {
                select.setString(1, sessionId);
                return read(select);
            }
        });
        return rows.stream().map(AuditRow::toRecord).toList();
    }

    /**
     * The records after {@code afterSeq}, oldest first, at most {@code limit} of them.
     *
     * @throws StorageException if a record no longer decodes (the log was tampered with)
     */
    public List<ServerAuditRecord> list(long afterSeq, int limit) {
        if (afterSeq < 0) {
            throw new IllegalArgumentException("afterSeq: " + afterSeq + " (expected: >= 0)");
        }
        if (limit < 1 || limit > MAX_LIST_LIMIT) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: 1.." + MAX_LIST_LIMIT + ")");
        }
        List<AuditRow> rows = database.withConnection(connection -> rows(connection, afterSeq, Long.MAX_VALUE, limit));
        List<ServerAuditRecord> records = new ArrayList<>(rows.size());
        for (AuditRow row : rows) {
            records.add(row.toRecord());
        }
        return records;
    }

    /** Records {@code afterSeq+1 .. upToSeq} exactly as stored, oldest first, at most {@code limit}. */
    List<AuditRow> rows(long afterSeq, long upToSeq, int limit) {
        return database.withConnection(connection -> rows(connection, afterSeq, upToSeq, limit));
    }

    /**
     * The signature (compact ES256 JWS) of the {@code audit.checkpoint} record {@code seq}, or empty when that record
     * is not a signed checkpoint: what the export sinks send along with the record, so that a receiver holds an
     * anchor it can check.
     */
    public Optional<String> checkpointSignature(long seq) {
        return database.withConnection(connection -> Checkpoints.jwsAt(connection, seq));
    }

    /** The sequence number of the last record, 0 while the log is empty. */
    public long lastSeq() {
        return database.withConnection(
                connection -> readHead(connection).map(Head::seq).orElse(0L));
    }

    /**
     * Checks the whole chain up to the head: every record present (no gap in seq), in order, unchanged, linked to
     * the one before, and the last one equal to the head. Reads page by page, without locking out appenders;
     * records appended while it runs are beyond the head it read and are not checked.
     */
    public AuditVerification verify() {
        return verify((AuditPublicKey) null);
    }

    /**
     * {@link #verify()}, and then every signed checkpoint up to the first bad record: signed by {@code key}, over
     * its record's hash, and no {@code audit.checkpoint} record without its signature. The first bad sequence
     * number reported is the lowest of the chain's and the checkpoints'. With a null key only the chain is checked.
     */
    public AuditVerification verify(@Nullable AuditPublicKey key) {
        AuditVerification result = database.withConnection(connection -> {
            AuditVerification chain = verifyChain(connection);
            return key == null ? chain : withCheckpoints(connection, chain, key);
        });
        if (result.ok()) {
            LOG.info("{}", result.message());
        } else {
            LOG.warn("audit log verification failed at record {}: {}", result.firstBadSeq(), result.message());
        }
        return result;
    }

    private static AuditVerification withCheckpoints(Connection connection, AuditVerification chain, AuditPublicKey key)
            throws SQLException {
        long upTo = chain.ok() ? chain.headSeq() : chain.firstBadSeq() - 1;
        Checkpoints.CheckResult checkpoints = Checkpoints.check(connection, key, upTo);
        if (checkpoints.firstBadSeq() > 0) {
            return AuditVerification.bad(
                    Problem.BAD_CHECKPOINT,
                    checkpoints.firstBadSeq(),
                    Math.min(chain.checked(), checkpoints.firstBadSeq() - 1),
                    chain.headSeq(),
                    requireNonNull(checkpoints.problem(), "a bad checkpoint has its problem"));
        }
        if (!chain.ok()) {
            return chain;
        }
        String signed = checkpoints.checked() == 0
                ? "; no signed checkpoint yet"
                : "; " + checkpoints.checked() + " checkpoint(s) signed by audit key " + key.keyId()
                        + " verified, the last at record " + checkpoints.lastSeq()
                        + (checkpoints.lastSeq() < chain.headSeq()
                                ? " (records " + (checkpoints.lastSeq() + 1) + ".." + chain.headSeq()
                                        + " not signed yet)"
                                : "");
        return new AuditVerification(Problem.NONE, 0, chain.checked(), chain.headSeq(), chain.message() + signed);
    }

    private AuditVerification verifyChain(Connection connection) throws SQLException {
        Optional<Head> maybeHead = readHead(connection);
        if (maybeHead.isEmpty()) {
            return AuditVerification.bad(Problem.HEAD_MISMATCH, 1, 0, 0, "the audit head row is missing");
        }
        Head head = maybeHead.get();
        ChainWalk chain = ChainWalk.fromGenesis();
        while (true) {
            List<AuditRow> page = rows(connection, chain.lastSeq(), head.seq(), VERIFY_PAGE_SIZE);
            if (page.isEmpty()) {
                break;
            }
            for (AuditRow row : page) {
                long checked = chain.lastSeq();
                switch (chain.next(row.seq(), row.prevHash(), row.hash(), row.canonical())) {
                    case LINKED -> {}
                    case OUT_OF_SEQUENCE -> {
                        return AuditVerification.bad(
                                Problem.MISSING_RECORD,
                                chain.expectedSeq(),
                                checked,
                                head.seq(),
                                missing(chain.expectedSeq(), row.seq() - 1) + " (deleted)");
                    }
                    case BROKEN_LINK -> {
                        return brokenLink(connection, row, checked, head);
                    }
                    case HASH_MISMATCH -> {
                        return hashMismatch(connection, row, row.computeHash(), checked, head);
                    }
                }
            }
        }
        long last = chain.lastSeq();
        String previousHash = requireNonNull(chain.lastHash(), "a walk from the genesis has a last hash");
        if (last != head.seq()) {
            return AuditVerification.bad(
                    Problem.HEAD_MISMATCH,
                    last + 1,
                    last,
                    head.seq(),
                    "the log ends at record " + last + " but its head records " + head.seq() + ": "
                            + missing(last + 1, head.seq()) + " (deleted from the end)");
        }
        if (!previousHash.equals(head.hash())) {
            return AuditVerification.bad(
                    Problem.HEAD_MISMATCH,
                    Math.max(last, 1),
                    last,
                    head.seq(),
                    "the head's hash does not match record " + last + ": the head or the last record was changed");
        }
        return AuditVerification.intact(last, head.seq());
    }

    /** A record whose prev_hash is not the previous record's hash: moved, or a link or predecessor rewritten. */
    private static AuditVerification brokenLink(Connection connection, AuditRow row, long checked, Head head)
            throws SQLException {
        long seq = row.seq();
        Optional<Long> predecessor = seqWithHash(connection, row.prevHash());
        if (predecessor.isPresent()) {
            return AuditVerification.bad(
                    Problem.REORDERED,
                    seq,
                    checked,
                    head.seq(),
                    "record " + seq + " is chained after record " + predecessor.get()
                            + (seq == 1 ? ", not at the start of the log" : ", not after record " + (seq - 1))
                            + ": records were reordered");
        }
        if (seq > 1 && row.computeHash().equals(row.hash())) {
            // this record and its link are original: the record before it was rewritten, hash and all
            return AuditVerification.bad(
                    Problem.EDITED_RECORD,
                    seq - 1,
                    checked - 1,
                    head.seq(),
                    "record " + (seq - 1) + " was edited and re-hashed: record " + seq
                            + " still links to its original hash");
        }
        return AuditVerification.bad(
                Problem.BROKEN_CHAIN,
                seq,
                checked,
                head.seq(),
                seq == 1
                        ? "record 1 does not start from the genesis hash: its prev_hash was changed"
                        : "record " + seq + " does not chain to record " + (seq - 1) + ": its prev_hash was changed");
    }

    /** A record whose stored hash is not the hash of its content: the content or the hash column changed. */
    private static AuditVerification hashMismatch(
            Connection connection, AuditRow row, String computed, long checked, Head head) throws SQLException {
        long seq = row.seq();
        Optional<String> vouched = seq == head.seq() ? Optional.of(head.hash()) : prevHashOf(connection, seq + 1);
        if (vouched.isPresent() && vouched.get().equals(row.hash())) {
            return AuditVerification.bad(
                    Problem.EDITED_RECORD,
                    seq,
                    checked,
                    head.seq(),
                    "record " + seq + " was edited: its content no longer matches its hash");
        }
        if (vouched.isPresent() && vouched.get().equals(computed)) {
            return AuditVerification.bad(
                    Problem.HASH_MISMATCH,
                    seq,
                    checked,
                    head.seq(),
                    "record " + seq + " has a changed hash: its content is original but its stored hash is not");
        }
        return AuditVerification.bad(
                Problem.HASH_MISMATCH,
                seq,
                checked,
                head.seq(),
                "record " + seq + " does not match its hash: its content or its hash was changed");
    }

    private static List<AuditRow> rows(Connection connection, long afterSeq, long upToSeq, int limit)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT " + AuditRow.COLUMNS + " FROM audit_log WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?")) {
            select.setLong(1, afterSeq);
            select.setLong(2, upToSeq);
            select.setInt(3, limit);
            return read(select);
        }
    }

    /** The rows {@code select} (of {@link AuditRow#COLUMNS}) finds, in its order. */
    private static List<AuditRow> read(PreparedStatement select) throws SQLException {
        try (ResultSet rs = select.executeQuery()) {
            List<AuditRow> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(AuditRow.read(rs));
            }
            return rows;
        }
    }

    private static Optional<Head> readHead(Connection connection) throws SQLException {
        try (Statement select = connection.createStatement();
                ResultSet rs = select.executeQuery("SELECT seq, hash FROM audit_head WHERE id = 1")) {
            return rs.next() ? Optional.of(new Head(rs.getLong(1), rs.getString(2))) : Optional.empty();
        }
    }

    private static Optional<Long> seqWithHash(Connection connection, String hash) throws SQLException {
        try (PreparedStatement select =
                connection.prepareStatement("SELECT seq FROM audit_log WHERE hash = ? ORDER BY seq LIMIT 1")) {
            select.setString(1, hash);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }

    private static Optional<String> prevHashOf(Connection connection, long seq) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT prev_hash FROM audit_log WHERE seq = ?")) {
            select.setLong(1, seq);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    private static String missing(long first, long last) {
        return first == last ? "record " + first + " is missing" : "records " + first + ".." + last + " are missing";
    }

    private record Head(long seq, String hash) {}

    /**
     * The number of appends queued and not yet taken into a transaction: for tests that line appenders up behind a
     * held turn.
     */
    int queuedAppends() {
        synchronized (queueLock) {
            return queued.size();
        }
    }

    /**
     * One caller's event waiting to be appended, then its record or the failure that stopped it. Its caller waits
     * until the event is settled or the lead is handed to it, whichever comes first (only one of them can happen while
     * it waits).
     */
    private static final class QueuedAppend {
        private final ServerAuditEvent event;
        private final Thread caller = Thread.currentThread();
        private final CountDownLatch wake = new CountDownLatch(1);
        private volatile boolean done;
        private @Nullable ServerAuditRecord record;
        private @Nullable Throwable failure;
        private @Nullable Thread failedIn;

        QueuedAppend(ServerAuditEvent event) {
            this.event = event;
        }

        ServerAuditEvent event() {
            return event;
        }

        boolean done() {
            return done;
        }

        /**
         * Waits, without giving up on an interrupt (the event may be committing; the interrupt is kept for later),
         * until the event is settled or its caller leads. Returns whether it leads.
         */
        boolean awaitLeadOrRecord() {
            boolean interrupted = false;
            while (true) {
                try {
                    wake.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                caller.interrupt();
            }
            return !done;
        }

        void lead() {
            wake.countDown();
        }

        void succeed(ServerAuditRecord appended) {
            record = appended;
            done = true;
            wake.countDown();
        }

        /** Called by the thread that ran the failed transaction. */
        void fail(Throwable cause) {
            failure = cause;
            failedIn = Thread.currentThread();
            done = true;
            wake.countDown();
        }

        /**
         * The committed record, or else the batch's failure: as it was thrown for the caller whose thread ran the
         * batch; for the others a {@link StorageException} with the same one-line message and the failure as cause,
         * so that each caller's exception carries its own stack trace.
         */
        ServerAuditRecord record() {
            if (failure == null) {
                return requireNonNull(record, "a settled append has its record or its failure");
            }
            if (failedIn == caller) {
                if (failure instanceof Error error) {
                    throw error;
                }
                throw (RuntimeException) failure;
            }
            if (failure instanceof AuditUnavailableException) {
                throw new AuditUnavailableException(failure.getMessage(), failure);
            }
            throw new StorageException(
                    failure instanceof StorageException
                            ? failure.getMessage()
                            : "audit event " + event.type().eventName() + " not appended: " + failure,
                    failure);
        }
    }
}
