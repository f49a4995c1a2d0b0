package dev.secureconnect.bench.jmh;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.pki.CertificateFingerprint;
import dev.secureconnect.crypto.totp.TotpSecret;
import dev.secureconnect.crypto.totp.TotpVerifier;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.engineers.EngineerSettings;
import dev.secureconnect.server.engineers.EngineerStore;
import dev.secureconnect.server.engineers.SecondFactorResult;
import dev.secureconnect.server.engineers.TotpSecretKey;
import dev.secureconnect.server.storage.Database;
import dev.secureconnect.server.storage.DatabaseSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: the server's TOTP check at login.
 *
 * <ul>
 *   <li>{@link #verifyCode}: {@link TotpVerifier#verify} alone (RFC 6238, HMAC-SHA1, the current step and one either
 *       side, each compared in constant time) — pure CPU;</li>
 *   <li>{@link #loginSecondFactor}: what the engineer listener's login calls, {@link EngineerStore#checkSecondFactor}:
 *       one transaction holding the audit head that reads the engineer, opens the sealed secret (AES-GCM), verifies
 *       the code, stores its time step (a code is accepted once) and appends {@code login.ok} to the audit log, on a
 *       SQLite file with the server's own settings (WAL, {@code synchronous=FULL}). Each login is a fresh code: the
 *       store's clock moves one 30-second step per call, since a step cannot be accepted twice.</li>
 * </ul>
 *
 * Scores in µs per check.
 */
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@SuppressWarnings("NullAway.Init") // JMH sets the fields in @Setup and @Param before any benchmark method
public class TotpBenchmark {

    static final String LOGIN = "bench-alice";

    private Path folder;
    private Database database;
    private EngineerStore engineers;
    private SteppingClock clock;
    private TotpSecret secret;
    private CertificateFingerprint fingerprint;
    private TotpVerifier fixedVerifier;
    private String fixedCode;

    @Setup(Level.Trial)
    public void setUp() {
        folder = BenchmarkPki.newFolder("totp");
        BenchmarkPki.Issued engineer = BenchmarkPki.shared().engineer(LOGIN);
        fingerprint = CertificateFingerprint.of(engineer.certificate());

        clock = new SteppingClock(Instant.now());
        database = Database.open(DatabaseSettings.sqlite(folder));
        TotpSecretKey key = TotpSecretKey.in(folder);
        key.loadOrCreate();
        engineers = new EngineerStore(
                database, new ServerAuditLog(database, clock), clock, key, EngineerSettings.defaults());
        secret = engineers.add(LOGIN, engineer.certificate(), "bench").secret();

        Clock fixed = Clock.fixed(Instant.parse("2030-01-15T10:00:00Z"), ZoneOffset.UTC);
        fixedVerifier = TotpVerifier.of(fixed);
        fixedCode = fixedVerifier.currentCode(secret);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (database != null) {
            database.close();
        }
        BenchmarkPki.deleteTree(folder);
    }

    /** The code check alone. */
    @Benchmark
    public OptionalLong verifyCode() {
        return fixedVerifier.verify(secret, fixedCode);
    }

    /** The login's second-factor check with replay protection and its audit record, committed. */
    @Benchmark
    public SecondFactorResult loginSecondFactor() {
        Instant now = clock.advance(TotpVerifier.TIME_STEP.toSeconds());
        String code = TotpVerifier.code(secret, TotpVerifier.stepAt(now));
        SecondFactorResult result = engineers.checkSecondFactor(LOGIN, code, fingerprint, "127.0.0.1:50123");
        if (!result.ok()) {
            throw new IllegalStateException("the benchmark's login was refused: " + result.message());
        }
        return result;
    }

    /** A clock that the benchmark moves forward, one TOTP step per login. */
    private static final class SteppingClock extends Clock {

        private final AtomicReference<Instant> now;

        SteppingClock(Instant start) {
            now = new AtomicReference<>(start);
        }

        Instant advance(long seconds) {
            return now.updateAndGet(instant -> instant.plusSeconds(seconds));
        }

        @Override
        public Instant instant() {
            return requireNonNull(now.get(), "set at construction");
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("the benchmark's clock is UTC only");
        }
    }
}
