package dev.secureconnect.server.engineers;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.pki.CertificateFingerprint;
import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.crypto.pki.CertificateRole;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.crypto.totp.OtpAuthUri;
import dev.secureconnect.crypto.totp.TotpSecret;
import dev.secureconnect.crypto.totp.TotpVerifier;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.AuditTransaction;
import dev.secureconnect.server.audit.ServerAuditEvent;
import dev.secureconnect.server.audit.ServerAuditEvent.Outcome;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.engineers.SecondFactorResult.Reason;
import dev.secureconnect.server.storage.Database;
import dev.secureconnect.server.storage.StorageException;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The enrolled support engineers in the database, and the check of their second factor at login.
 *
 * <p><b>Enrolment.</b> An engineer is enrolled from their certificate: the login, name and e-mail come from its
 * {@link CertificateIdentity}, and its SHA-256 fingerprint is the only certificate the engineer may log in with. Each
 * enrolment (and {@link #resetTotp}) draws a new {@link TotpSecret}, sealed at rest by the {@link TotpSecretKey} with
 * the login as associated data, and hands it back once in an {@link Enrolment}.
 *
 * <p><b>Second factor.</b> {@link #checkSecondFactor} runs as one transaction holding the audit head (see
 * {@link ServerAuditLog#inTransaction}), which every writer of the log takes first: checks of the same engineer, from any
 * connection or process, therefore run one after the other. A code is accepted only if its TOTP time step is later
 * than the last step accepted for that engineer, and that step is stored in the same transaction, so a code is
 * accepted at most once, across restarts, and of two logins racing with the same code exactly one wins (the update
 * is also conditional on the stored step, so it cannot move backwards). Failed attempts in a row are counted; the
 * {@linkplain EngineerSettings#maxFailedAttempts() n-th} locks the engineer out for
 * {@linkplain EngineerSettings#lockout() a while}, during which even a right code is refused. Every outcome is
 * audited in that transaction ({@code login.ok}, {@code login.failed}, {@code login.totp-replay},
 * {@code login.locked}) with the login as actor and the peer's address; never the code or the secret.
 *
 * <p>Operator changes append {@code engineer.enrolled}, {@code engineer.disabled}, {@code engineer.enabled},
 * {@code engineer.totp-reset}, {@code engineer.certificate-updated} and {@code engineer.removed} in the same
 * transaction as the change.
 *
 * <p>Thread-safe.
 */
public final class EngineerStore {

    private static final Logger LOG = LoggerFactory.getLogger(EngineerStore.class);
    private static final int MAX_LOGIN_LENGTH = 64;
    private static final int MAX_ACTOR_LENGTH = 200;
    private static final String COLUMNS = "login, full_name, email, cert_sha256, status, totp_secret, totp_last_step,"
            + " failed_attempts, locked_until, created_at, updated_at";

    private final Database database;
    private final ServerAuditLog audit;
    private final Clock clock;
    private final TotpSecretKey key;
    private final EngineerSettings settings;
    private final TotpVerifier verifier;

    public EngineerStore(
            Database database, ServerAuditLog audit, Clock clock, TotpSecretKey key, EngineerSettings settings) {
        this.database = requireNonNull(database, "database");
        this.audit = requireNonNull(audit, "audit");
        this.clock = requireNonNull(clock, "clock");
        this.key = requireNonNull(key, "key");
        this.settings = requireNonNull(settings, "settings");
        this.verifier = TotpVerifier.of(clock).withAllowedSkewSteps(settings.allowedSkewSteps());
    }

    public EngineerSettings settings() {
        return settings;
    }

    /**
     * Enrols the engineer that {@code certificate} names, with a new TOTP secret, and audits it.
     *
     * @param login the login the operator means: it must be the one in the certificate
     * @param certificate an engineer certificate ({@code urn:secureconnect:engineer:<login>}, clientAuth), not
     *     expired; its chain is not checked here (the TLS handshake checks it at every login)
     * @param actor who enrols
     * @return the engineer and its new secret, to be shown to the engineer once
     * @throws EngineerException if the certificate is not an engineer certificate for {@code login} or has expired,
     *     or the engineer or certificate is enrolled already
     * @throws CryptoException if the TOTP key file cannot be read or created
     * @throws StorageException if the database fails
     */
    public Enrolment add(String login, X509Certificate certificate, String actor) {
        String wanted = login("login", login);
        requireNonNull(certificate, "certificate");
        String by = oneLine("actor", actor, MAX_ACTOR_LENGTH);
        CertificateIdentity identity = engineerIdentity(wanted, certificate);
        CertificateFingerprint fingerprint = CertificateFingerprint.of(certificate);
        TotpSecret secret = TotpSecret.generate();
        String sealed = key.seal(secret, wanted);
        Instant now = now();
        Engineer engineer = audit.inTransaction(transaction -> {
            Connection connection = transaction.connection();
            if (find(connection, wanted).isPresent()) {
                throw new EngineerException(
                        EngineerException.Reason.ALREADY_ENROLLED,
                        "engineer " + wanted + " is enrolled already (reset-totp gives a new TOTP secret)");
            }
            Optional<String> holder = loginWithCertificate(connection, fingerprint);
            if (holder.isPresent()) {
                throw new EngineerException(
                        EngineerException.Reason.ALREADY_ENROLLED,
                        "this certificate is enrolled already, for engineer " + holder.get());
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO engineers (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, NULL, 0, NULL, ?, ?)")) {
                insert.setString(1, wanted);
                insert.setString(2, identity.name());
                insert.setString(3, identity.email());
                insert.setString(4, hex(fingerprint));
                insert.setString(5, Engineer.Status.ENABLED.code());
                insert.setString(6, sealed);
                insert.setLong(7, now.toEpochMilli());
                insert.setLong(8, now.toEpochMilli());
                insert.executeUpdate();
            }
            transaction.append(ServerAuditEvent.builder(EventType.ENGINEER_ENROLLED)
                    .actor(by)
                    .detail("engineer", wanted)
                    .detail("name", identity.name())
                    .detail("email", identity.email())
                    .detail("certificate", fingerprint.toString())
                    .build());
            return new Engineer(
                    wanted, identity.name(), identity.email(), fingerprint, Engineer.Status.ENABLED, 0, null, now, now);
        });
        LOG.info("engineer {} enrolled by {} with certificate {}", wanted, by, fingerprint);
        return new Enrolment(engineer, secret, uri(secret, wanted));
    }

    /** Every enrolled engineer, by login. */
    public List<Engineer> list() {
        return database.withConnection(connection -> {
            try (PreparedStatement select =
                            connection.prepareStatement("SELECT " + COLUMNS + " FROM engineers ORDER BY login");
                    ResultSet rs = select.executeQuery()) {
                List<Engineer> engineers = new ArrayList<>();
                while (rs.next()) {
                    engineers.add(read(rs).engineer());
                }
                return engineers;
            }
        });
    }

    /** The engineer with this login, if enrolled. */
    public Optional<Engineer> find(String login) {
        requireNonNull(login, "login");
        return database.withConnection(connection -> find(connection, login).map(Row::engineer));
    }

    /** The logins of the disabled engineers (one small read; the daemon polls it to end their sessions). */
    public Set<String> disabledLogins() {
        return logins("SELECT login FROM engineers WHERE status = ?", Engineer.Status.DISABLED.code());
    }

    /**
     * Disables an engineer: their logins are refused until {@link #enable}. Audited. The running daemon ends their
     * login sessions and open streams when it sees the change ({@link DisabledEngineers}), and every API call of a
     * login session checks the engineer is still enabled.
     *
     * @throws EngineerException if there is no such engineer or it is disabled already
     */
    public Engineer disable(String login, String actor) {
        String engineer = login("login", login);
        String by = oneLine("actor", actor, MAX_ACTOR_LENGTH);
        Engineer disabled = audit.inTransaction(transaction -> {
            Connection connection = transaction.connection();
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE engineers SET status = ?, updated_at = ? WHERE login = ? AND status = ?")) {
                update.setString(1, Engineer.Status.DISABLED.code());
                update.setLong(2, now().toEpochMilli());
                update.setString(3, engineer);
                update.setString(4, Engineer.Status.ENABLED.code());
                if (update.executeUpdate() == 0) {
                    var unused = find(connection, engineer).orElseThrow(() -> unknown(engineer));
                    throw new EngineerException(
                            EngineerException.Reason.ALREADY_DISABLED, "engineer " + engineer + " is disabled already");
                }
            }
            transaction.append(ServerAuditEvent.builder(EventType.ENGINEER_DISABLED)
                    .actor(by)
                    .detail("engineer", engineer)
                    .build());
            return find(connection, engineer)
                    .orElseThrow(() -> unknown(engineer))
                    .engineer();
        });
        LOG.info("engineer {} disabled by {}", engineer, by);
        return disabled;
    }

    /**
     * Enables a disabled engineer, or lifts the lockout of an enabled one (the count of failed logins starts
     * again). Audited.
     *
     * @throws EngineerException if there is no such engineer, or it is enabled and not locked out
     */
    public Engineer enable(String login, String actor) {
        String engineer = login("login", login);
        String by = oneLine("actor", actor, MAX_ACTOR_LENGTH);
        Instant now = now();
        Engineer enabled = audit.inTransaction(transaction -> {
            Connection connection = transaction.connection();
            try (PreparedStatement update = connection.prepareStatement("UPDATE engineers SET status = ?,"
                    + " failed_attempts = 0, locked_until = NULL, updated_at = ? WHERE login = ?"
                    + " AND (status <> ? OR locked_until > ?)")) {
                update.setString(1, Engineer.Status.ENABLED.code());
                update.setLong(2, now.toEpochMilli());
                update.setString(3, engineer);
                update.setString(4, Engineer.Status.ENABLED.code());
                update.setLong(5, now.toEpochMilli());
                if (update.executeUpdate() == 0) {
                    var unused = find(connection, engineer).orElseThrow(() -> unknown(engineer));
                    throw new EngineerException(
                            EngineerException.Reason.ALREADY_ENABLED,
                            "engineer " + engineer + " is enabled already and not locked out");
                }
            }
            transaction.append(ServerAuditEvent.builder(EventType.ENGINEER_ENABLED)
                    .actor(by)
                    .detail("engineer", engineer)
                    .build());
            return find(connection, engineer)
                    .orElseThrow(() -> unknown(engineer))
                    .engineer();
        });
        LOG.info("engineer {} enabled by {}", engineer, by);
        return enabled;
    }

    /**
     * Gives an engineer a new TOTP secret: the old one stops working at once, the record of used time steps and any
     * lockout are cleared. The status (enabled or disabled) is kept. Audited.
     *
     * @throws EngineerException if there is no such engineer
     * @throws CryptoException if the TOTP key file cannot be read or created
     */
    public Enrolment resetTotp(String login, String actor) {
        String engineer = login("login", login);
        String by = oneLine("actor", actor, MAX_ACTOR_LENGTH);
        TotpSecret secret = TotpSecret.generate();
        String sealed = key.seal(secret, engineer);
        Engineer reset = audit.inTransaction(transaction -> {
            Connection connection = transaction.connection();
            try (PreparedStatement update = connection.prepareStatement("UPDATE engineers SET totp_secret = ?,"
                    + " totp_last_step = NULL, failed_attempts = 0, locked_until = NULL, updated_at = ?"
                    + " WHERE login = ?")) {
                update.setString(1, sealed);
                update.setLong(2, now().toEpochMilli());
                update.setString(3, engineer);
                if (update.executeUpdate() == 0) {
                    throw unknown(engineer);
                }
            }
            transaction.append(ServerAuditEvent.builder(EventType.TOTP_RESET)
                    .actor(by)
                    .detail("engineer", engineer)
                    .build());
            return find(connection, engineer)
                    .orElseThrow(() -> unknown(engineer))
                    .engineer();
        });
        LOG.info("TOTP secret of engineer {} reset by {}", engineer, by);
        return new Enrolment(reset, secret, uri(secret, engineer));
    }

    /**
     * Binds an engineer to a new certificate (a renewed one): from now on only it logs in. The TOTP secret, the record
     * of used time steps and the status are kept; the name and e-mail are taken from the new certificate. Audited
     * {@code engineer.certificate-updated} with both fingerprints.
     *
     * @throws EngineerException if there is no such engineer, the certificate is not a valid engineer certificate for
     *     {@code login}, it is the one bound already, or it is enrolled for another engineer
     */
    public Engineer updateCertificate(String login, X509Certificate certificate, String actor) {
        String engineer = login("login", login);
        requireNonNull(certificate, "certificate");
        String by = oneLine("actor", actor, MAX_ACTOR_LENGTH);
        CertificateIdentity identity = engineerIdentity(engineer, certificate);
        CertificateFingerprint fingerprint = CertificateFingerprint.of(certificate);
        Engineer updated = audit.inTransaction(transaction -> {
            Connection connection = transaction.connection();
            Engineer before = find(connection, engineer)
                    .orElseThrow(() -> unknown(engineer))
                    .engineer();
            Optional<String> holder = loginWithCertificate(connection, fingerprint);
            if (holder.isPresent()) {
                throw new EngineerException(
                        EngineerException.Reason.ALREADY_ENROLLED,
                        holder.get().equals(engineer)
                                ? "this certificate is the one engineer " + engineer + " is enrolled with already"
                                : "this certificate is enrolled already, for engineer " + holder.get());
            }
            try (PreparedStatement update = connection.prepareStatement("UPDATE engineers SET cert_sha256 = ?,"
                    + " full_name = ?, email = ?, updated_at = ? WHERE login = ?")) {
                update.setString(1, hex(fingerprint));
                update.setString(2, identity.name());
                update.setString(3, identity.email());
                update.setLong(4, now().toEpochMilli());
                update.setString(5, engineer);
                update.executeUpdate();
            }
            transaction.append(ServerAuditEvent.builder(EventType.ENGINEER_CERTIFICATE_UPDATED)
                    .actor(by)
                    .detail("engineer", engineer)
                    .detail("certificate", fingerprint.toString())
                    .detail("previousCertificate", before.certificate().toString())
                    .build());
            return find(connection, engineer)
                    .orElseThrow(() -> unknown(engineer))
                    .engineer();
        });
        LOG.info("engineer {} bound to certificate {} by {}", engineer, fingerprint, by);
        return updated;
    }

    /**
     * Removes an engineer: their row, certificate binding and TOTP secret are deleted, so they can no longer log in,
     * and every API call of a login session they still hold is refused. Audited {@code engineer.removed}. The running
     * daemon ends their login sessions and open streams when it sees the change ({@link DisabledEngineers}).
     *
     * @throws EngineerException if there is no such engineer
     */
    public Engineer remove(String login, String actor) {
        String engineer = login("login", login);
        String by = oneLine("actor", actor, MAX_ACTOR_LENGTH);
        Engineer removed = audit.inTransaction(transaction -> {
            Connection connection = transaction.connection();
            Engineer before = find(connection, engineer)
                    .orElseThrow(() -> unknown(engineer))
                    .engineer();
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM engineers WHERE login = ?")) {
                delete.setString(1, engineer);
                delete.executeUpdate();
            }
            transaction.append(ServerAuditEvent.builder(EventType.ENGINEER_REMOVED)
                    .actor(by)
                    .detail("engineer", engineer)
                    .detail("certificate", before.certificate().toString())
                    .build());
            return before;
        });
        LOG.info("engineer {} removed by {}", engineer, by);
        return removed;
    }

    /** The logins of every enrolled engineer (one small read). */
    public Set<String> enrolledLogins() {
        return logins("SELECT login FROM engineers");
    }

    private Set<String> logins(String query, String... parameters) {
        return database.withConnection(connection -> {
            try (PreparedStatement select = connection.prepareStatement(query)) {
                for (int i = 0; i < parameters.length; i++) {
                    select.setString(i + 1, parameters[i]);
                }
                try (ResultSet rs = select.executeQuery()) {
                    Set<String> logins = new HashSet<>();
                    while (rs.next()) {
                        logins.add(rs.getString(1));
                    }
                    return logins;
                }
            }
        });
    }

    /**
     * Checks an engineer's second factor at login, after the TLS handshake has verified their certificate.
     *
     * <p>Refused, in this order: {@link Reason#UNKNOWN} login; {@link Reason#DISABLED} engineer;
     * {@link Reason#WRONG_CERTIFICATE} (not the enrolled one); {@link Reason#LOCKED} out; then the code:
     * {@link Reason#BAD_CODE} if it is not the code of a time step within the allowed skew, {@link Reason#REPLAY} if
     * its step is not later than the last step accepted. Only the last two count as failed attempts; the attempt that
     * reaches {@link EngineerSettings#maxFailedAttempts()} locks the engineer out (its result carries
     * {@code lockedUntil}). Every outcome is audited in the same transaction.
     *
     * @param login the login from the engineer's certificate
     * @param code the code as typed (6 digits; white space around it is ignored)
     * @param certificate the fingerprint of the certificate the engineer connected with
     * @param source the engineer's address ({@code host:port}) for the audit log, or {@code null}
     * @throws CryptoException if the engineer's secret cannot be opened (key file missing or replaced, row altered);
     *     this too is audited, as {@code login.failed} with the reason {@code totp-secret-unreadable}
     * @throws StorageException if the database fails
     */
    public SecondFactorResult checkSecondFactor(
            String login, String code, CertificateFingerprint certificate, String source) {
        requireNonNull(login, "login");
        requireNonNull(certificate, "certificate");
        String actor = OneLine.clipped(login, MAX_LOGIN_LENGTH);
        try {
            return audit.inTransaction(transaction -> check(transaction, actor, code, certificate, source));
        } catch (UnreadableSecret e) {
            audit.append(loginEvent(EventType.LOGIN_FAILED, actor, certificate, source)
                    .outcome(Outcome.FAILURE)
                    .detail("reason", "totp-secret-unreadable")
                    .build());
            CryptoException cause =
                    (CryptoException) requireNonNull(e.getCause(), "an unreadable secret has its cause");
            LOG.error("login of engineer {} failed: {}", actor, cause.getMessage());
            throw cause;
        }
    }

    private SecondFactorResult check(
            AuditTransaction transaction, String login, String code, CertificateFingerprint certificate, String source)
            throws SQLException {
        Connection connection = transaction.connection();
        Optional<Row> found = find(connection, login);
        if (found.isEmpty()) {
            return refuse(transaction, login, Reason.UNKNOWN, certificate, source);
        }
        Row row = found.get();
        Engineer engineer = row.engineer();
        if (!engineer.isEnabled()) {
            return refuse(transaction, login, Reason.DISABLED, certificate, source);
        }
        if (!MessageDigest.isEqual(engineer.certificate().sha256(), certificate.sha256())) {
            return refuse(transaction, login, Reason.WRONG_CERTIFICATE, certificate, source);
        }
        Instant now = now();
        if (engineer.isLockedAt(now)) {
            transaction.append(loginEvent(EventType.LOGIN_LOCKED, login, certificate, source)
                    .outcome(Outcome.FAILURE)
                    .detail("reason", Reason.LOCKED.code())
                    .detail(
                            "lockedUntil",
                            requireNonNull(engineer.lockedUntil(), "locked").toString())
                    .build());
            return SecondFactorResult.refused(login, Reason.LOCKED, engineer.lockedUntil());
        }
        TotpSecret secret;
        try {
            secret = key.open(row.sealedSecret(), login);
        } catch (CryptoException e) {
            throw new UnreadableSecret(e);
        }
        OptionalLong step = verifier.verify(secret, code);
        if (step.isEmpty()) {
            return fail(transaction, row, Reason.BAD_CODE, now, certificate, source, OptionalLong.empty());
        }
        long matched = step.getAsLong();
        if (row.lastStep() != null && matched <= row.lastStep()) {
            return fail(transaction, row, Reason.REPLAY, now, certificate, source, step);
        }
        try (PreparedStatement update = connection.prepareStatement("UPDATE engineers SET totp_last_step = ?,"
                + " failed_attempts = 0, locked_until = NULL WHERE login = ?"
                + " AND (totp_last_step IS NULL OR totp_last_step < ?)")) {
            update.setLong(1, matched);
            update.setString(2, login);
            update.setLong(3, matched);
            if (update.executeUpdate() != 1) {
                // another transaction accepted this step first: cannot happen while the audit head serialises us,
                // but the condition above keeps the rule even if it did
                return fail(transaction, row, Reason.REPLAY, now, certificate, source, step);
            }
        }
        transaction.append(loginEvent(EventType.LOGIN_OK, login, certificate, source)
                .detail("timeStep", matched)
                .build());
        return SecondFactorResult.accepted(login);
    }

    /** A refusal that does not count as a failed attempt (nothing about the code was learnt). */
    private static SecondFactorResult refuse(
            AuditTransaction transaction,
            String login,
            Reason reason,
            CertificateFingerprint certificate,
            String source)
            throws SQLException {
        transaction.append(loginEvent(EventType.LOGIN_FAILED, login, certificate, source)
                .outcome(Outcome.FAILURE)
                .detail("reason", reason.code())
                .build());
        return SecondFactorResult.refused(login, reason, null);
    }

    /** A wrong or replayed code: counted, and locking the engineer out when it is one too many. */
    private SecondFactorResult fail(
            AuditTransaction transaction,
            Row row,
            Reason reason,
            Instant now,
            CertificateFingerprint certificate,
            String source,
            OptionalLong step)
            throws SQLException {
        Engineer engineer = row.engineer();
        boolean lockoutOver = engineer.lockedUntil() != null; // set but in the past: a new count starts
        int failures = (lockoutOver ? 0 : engineer.failedAttempts()) + 1;
        Instant lockedUntil = failures >= settings.maxFailedAttempts()
                ? now.plus(settings.lockout()).truncatedTo(ChronoUnit.MILLIS)
                : null;
        try (PreparedStatement update = transaction
                .connection()
                .prepareStatement("UPDATE engineers SET failed_attempts = ?, locked_until = ? WHERE login = ?")) {
            update.setInt(1, failures);
            if (lockedUntil == null) {
                update.setNull(2, Types.BIGINT);
            } else {
                update.setLong(2, lockedUntil.toEpochMilli());
            }
            update.setString(3, engineer.login());
            update.executeUpdate();
        }
        ServerAuditEvent.Builder event = loginEvent(
                        reason == Reason.REPLAY ? EventType.TOTP_REPLAY : EventType.LOGIN_FAILED,
                        engineer.login(),
                        certificate,
                        source)
                .outcome(Outcome.FAILURE)
                .detail("reason", reason.code())
                .detail("failures", failures);
        if (step.isPresent()) {
            event.detail("timeStep", step.getAsLong());
        }
        transaction.append(event.build());
        if (lockedUntil != null) {
            transaction.append(loginEvent(EventType.LOGIN_LOCKED, engineer.login(), certificate, source)
                    .outcome(Outcome.FAILURE)
                    .detail("reason", "too-many-failures")
                    .detail("failures", failures)
                    .detail("lockedUntil", lockedUntil.toString())
                    .build());
            LOG.warn("engineer {} locked out until {} after {} failed logins", engineer.login(), lockedUntil, failures);
        }
        return SecondFactorResult.refused(engineer.login(), reason, lockedUntil);
    }

    private static ServerAuditEvent.Builder loginEvent(
            EventType type, String login, CertificateFingerprint certificate, String source) {
        return ServerAuditEvent.builder(type).actor(login).source(source).detail("certificate", certificate.toString());
    }

    private OtpAuthUri uri(TotpSecret secret, String login) {
        return OtpAuthUri.builder(secret, login).issuer(settings.issuer()).build();
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /** The identity of {@code certificate}, which must be an unexpired engineer certificate for {@code login}. */
    private CertificateIdentity engineerIdentity(String login, X509Certificate certificate) {
        CertificateIdentity identity;
        try {
            identity = CertificateIdentity.of(certificate);
        } catch (CryptoException e) {
            throw new EngineerException(
                    EngineerException.Reason.NOT_AN_ENGINEER_CERTIFICATE,
                    "not a SecureConnect engineer certificate: " + e.getMessage());
        }
        if (identity.role() != CertificateRole.ENGINEER) {
            throw new EngineerException(
                    EngineerException.Reason.NOT_AN_ENGINEER_CERTIFICATE,
                    "the certificate is for " + identity.describe() + ", not for an engineer");
        }
        if (!identity.id().equals(login)) {
            throw new EngineerException(
                    EngineerException.Reason.NOT_AN_ENGINEER_CERTIFICATE,
                    "the certificate is for engineer " + identity.id() + ", not for " + login);
        }
        if (certificate.getNotAfter().toInstant().isBefore(clock.instant())) {
            throw new EngineerException(
                    EngineerException.Reason.NOT_AN_ENGINEER_CERTIFICATE,
                    "the certificate of engineer " + login + " expired at "
                            + certificate.getNotAfter().toInstant());
        }
        return identity;
    }

    private static Optional<Row> find(Connection connection, String login) throws SQLException {
        try (PreparedStatement select =
                connection.prepareStatement("SELECT " + COLUMNS + " FROM engineers WHERE login = ?")) {
            select.setString(1, login);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    private static Optional<String> loginWithCertificate(Connection connection, CertificateFingerprint fingerprint)
            throws SQLException {
        try (PreparedStatement select =
                connection.prepareStatement("SELECT login FROM engineers WHERE cert_sha256 = ?")) {
            select.setString(1, hex(fingerprint));
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    private static Row read(ResultSet rs) throws SQLException {
        long lastStep = rs.getLong("totp_last_step");
        Long last = rs.wasNull() ? null : lastStep;
        long lockedUntil = rs.getLong("locked_until");
        Instant locked = rs.wasNull() ? null : Instant.ofEpochMilli(lockedUntil);
        Engineer engineer = new Engineer(
                rs.getString("login"),
                rs.getString("full_name"),
                rs.getString("email"),
                new CertificateFingerprint(HexFormat.of().parseHex(rs.getString("cert_sha256"))),
                Engineer.Status.ofCode(rs.getString("status")),
                rs.getInt("failed_attempts"),
                locked,
                Instant.ofEpochMilli(rs.getLong("created_at")),
                Instant.ofEpochMilli(rs.getLong("updated_at")));
        return new Row(engineer, rs.getString("totp_secret"), last);
    }

    private static String hex(CertificateFingerprint fingerprint) {
        return HexFormat.of().formatHex(fingerprint.sha256());
    }

    private static EngineerException unknown(String login) {
        return new EngineerException(
                EngineerException.Reason.UNKNOWN_ENGINEER, "engineer " + login + " is not enrolled");
    }

    /** A login as the operator typed it: one line, at most 64 characters (its syntax is the certificate's business). */
    private static String login(String name, String value) {
        return oneLine(name, value, MAX_LOGIN_LENGTH);
    }

    /** A required single line of text, stripped of surrounding white space. */
    private static String oneLine(String name, String value, int maxLength) {
        String stripped = value == null ? "" : value.strip();
        if (stripped.isEmpty()) {
            throw new EngineerException(EngineerException.Reason.INVALID_INPUT, name + " is missing");
        }
        if (stripped.length() > maxLength) {
            throw new EngineerException(
                    EngineerException.Reason.INVALID_INPUT,
                    name + " is too long: " + stripped.length() + " characters (expected: at most " + maxLength + ")");
        }
        if (stripped.chars().anyMatch(Character::isISOControl)) {
            throw new EngineerException(
                    EngineerException.Reason.INVALID_INPUT,
                    name + " must be one line of text, without control characters");
        }
        return stripped;
    }

    /**
     * A stored engineer with what listings never show.
     *
     * @param sealedSecret the TOTP secret sealed by the {@link TotpSecretKey}
     * @param lastStep the last TOTP time step accepted, or {@code null}
     */
    private record Row(
            Engineer engineer,
            String sealedSecret,
            @Nullable Long lastStep) {}

    /** Carries a secret that does not open out of the transaction, so that it rolls back and is audited apart. */
    private static final class UnreadableSecret extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnreadableSecret(CryptoException cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }
}
