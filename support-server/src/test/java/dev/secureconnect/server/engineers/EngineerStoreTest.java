package dev.secureconnect.server.engineers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.pki.CertificateFingerprint;
import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.crypto.totp.TotpSecret;
import dev.secureconnect.crypto.totp.TotpVerifier;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.ServerAuditEvent;
import dev.secureconnect.server.audit.ServerAuditEvent.Outcome;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.audit.ServerAuditRecord;
import dev.secureconnect.server.engineers.SecondFactorResult.Reason;
import dev.secureconnect.server.storage.Database;
import dev.secureconnect.server.storage.testing.StorageTest;
import dev.secureconnect.server.storage.testing.TestDatabase;
import dev.secureconnect.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;

class EngineerStoreTest {

    static final String SOURCE = "198.51.100.7:50123";
    static final String OPERATOR = "operator:root";

    /** Ten seconds into the current time step, so that moving by whole steps stays inside steps. */
    final MutableClock clock = new MutableClock(
            TotpVerifier.startOf(TotpVerifier.stepAt(Instant.now())).plusSeconds(10));

    @TempDir
    Path serverDir;

    final TestPki pki = TestPki.shared();
    final TestPki.Issued alice = pki.engineer("alice");
    final CertificateFingerprint aliceCertificate = CertificateFingerprint.of(alice.certificate());

    EngineerStore store(Database database) {
        return store(database, EngineerSettings.defaults());
    }

    EngineerStore store(Database database, EngineerSettings settings) {
        return new EngineerStore(
                database, new ServerAuditLog(database, clock), clock, TotpSecretKey.in(serverDir), settings);
    }

    ServerAuditLog audit(TestDatabase test) {
        return new ServerAuditLog(test.database(), clock);
    }

    String codeNow(TotpSecret secret) {
        return TotpVerifier.code(secret, TotpVerifier.stepAt(clock.instant()));
    }

    SecondFactorResult login(EngineerStore store, String code) {
        return store.checkSecondFactor("alice", code, aliceCertificate, SOURCE);
    }

    /** The records appended after {@code afterSeq}. */
    static List<ServerAuditEvent> eventsAfter(ServerAuditLog audit, long afterSeq) {
        return audit.list(afterSeq, 1000).stream().map(ServerAuditRecord::event).toList();
    }

    // ---- enrolment ---------------------------------------------------------------------------------------

    @StorageTest
    void aRemovedEngineerIsGoneAndWhatTheyHaveOpenIsEnded(TestDatabase test) {
        EngineerStore store = store(test.database());
        TotpSecret secret = store.add("alice", alice.certificate(), OPERATOR).secret();
        List<String> ended = new java.util.ArrayList<>();
        DisabledEngineers watcher = new DisabledEngineers(
                store,
                audit(test),
                login -> {
                    ended.add(login);
                    return 1;
                },
                login -> 0,
                () -> java.util.Set.of("alice"));
        watcher.poll();
        assertThat(ended).as("enrolled and enabled: nothing ended").isEmpty();

        assertThat(store.remove("alice", OPERATOR).login()).isEqualTo("alice");
        watcher.poll();

        assertThat(ended).containsExactly("alice");
        assertThat(store.find("alice")).isEmpty();
        assertThat(login(store, codeNow(secret)).reason()).isEqualTo(Reason.UNKNOWN);
        List<ServerAuditEvent> events = eventsAfter(audit(test), 0);
        assertThat(events)
                .extracting(ServerAuditEvent::type)
                .contains(EventType.ENGINEER_REMOVED, EventType.ENGINEER_SESSIONS_ENDED);
        assertThat(events.stream().filter(e -> e.type() == EventType.ENGINEER_SESSIONS_ENDED))
                .singleElement()
                .satisfies(e -> assertThat(e.details()).containsEntry("reason", "engineer removed"));
        assertThatThrownBy(() -> store.remove("alice", OPERATOR))
                .isInstanceOf(EngineerException.class)
                .hasMessage("engineer alice is not enrolled");
    }

    @StorageTest
    void addEnrolsTheEngineerTheCertificateNamesAndAuditsIt(TestDatabase test) {
        EngineerStore store = store(test.database());
        Enrolment enrolment = store.add("alice", alice.certificate(), OPERATOR);

        Engineer engineer = enrolment.engineer();
        assertThat(engineer)
                .isEqualTo(new Engineer(
                        "alice",
                        "Test Engineer alice",
                        "alice@example.com",
                        aliceCertificate,
                        Engineer.Status.ENABLED,
                        0,
                        null,
                        clock.instant(),
                        clock.instant()));
        assertThat(store.find("alice")).contains(engineer);
        assertThat(store.list()).containsExactly(engineer);
        assertThat(enrolment.uri().account()).isEqualTo("alice");
        assertThat(enrolment.uri().uri())
                .contains("secret=" + enrolment.secret().base32())
                .contains("issuer=SecureConnect");
        assertThat(enrolment.toString()).doesNotContain(enrolment.secret().base32());

        List<ServerAuditEvent> events = eventsAfter(audit(test), 0);
        assertThat(events).hasSize(1);
        ServerAuditEvent enrolled = events.get(0);
        assertThat(enrolled.type()).isEqualTo(EventType.ENGINEER_ENROLLED);
        assertThat(enrolled.type().id()).isEqualTo(1500);
        assertThat(enrolled.actor()).isEqualTo(OPERATOR);
        assertThat(enrolled.details())
                .containsExactly(
                        Map.entry("certificate", aliceCertificate.toString()),
                        Map.entry("email", "alice@example.com"),
                        Map.entry("engineer", "alice"),
                        Map.entry("name", "Test Engineer alice"));
    }

    @StorageTest
    void listIsByLoginAndTheIssuerIsConfigurable(TestDatabase test) {
        EngineerStore store = store(test.database(), EngineerSettings.defaults().withIssuer("ACME Support"));
        store.add("zoe", pki.engineer("zoe").certificate(), OPERATOR);
        Enrolment bob = store.add("bob", pki.engineer("bob").certificate(), OPERATOR);
        store.add("alice", alice.certificate(), OPERATOR);

        assertThat(store.list()).extracting(Engineer::login).containsExactly("alice", "bob", "zoe");
        assertThat(store.find("nobody")).isEmpty();
        assertThat(bob.uri().issuer()).isEqualTo("ACME Support");
    }

    @StorageTest
    void addRefusesWhatIsNotAnEngineerCertificateForThatLoginAndDuplicates(TestDatabase test) {
        EngineerStore store = store(test.database());
        X509Certificate appliance = pki.appliance("SN-1").certificate();
        X509Certificate server = pki.server().certificate();

        assertRefused(
                () -> store.add("alice", appliance, OPERATOR),
                EngineerException.Reason.NOT_AN_ENGINEER_CERTIFICATE,
                "the certificate is for appliance SN-1, not for an engineer");
        assertRefused(
                () -> store.add("alice", server, OPERATOR),
                EngineerException.Reason.NOT_AN_ENGINEER_CERTIFICATE,
                "not for an engineer");
        assertRefused(
                () -> store.add("alice", pki.issuingCertificate(), OPERATOR),
                EngineerException.Reason.NOT_AN_ENGINEER_CERTIFICATE,
                "not for an engineer");
        assertRefused(
                () -> store.add("alice", pki.engineer("bob").certificate(), OPERATOR),
                EngineerException.Reason.NOT_AN_ENGINEER_CERTIFICATE,
                "the certificate is for engineer bob, not for alice");
        assertRefused(
                () -> store.add(
                        "alice", pki.expired(TestPki.engineerIdentity("alice")).certificate(), OPERATOR),
                EngineerException.Reason.NOT_AN_ENGINEER_CERTIFICATE,
                "expired");
        assertRefused(
                () -> store.add(" ", alice.certificate(), OPERATOR),
                EngineerException.Reason.INVALID_INPUT,
                "login is missing");
        assertRefused(
                () -> store.add("alice", alice.certificate(), "op\nerator"),
                EngineerException.Reason.INVALID_INPUT,
                "actor must be one line");
        assertThat(audit(test).lastSeq()).isZero();

        store.add("alice", alice.certificate(), OPERATOR);
        assertRefused(
                () -> store.add("alice", pki.engineer("alice").certificate(), OPERATOR),
                EngineerException.Reason.ALREADY_ENROLLED,
                "engineer alice is enrolled already");
        assertRefused(
                () -> store.add("alice", alice.certificate(), OPERATOR),
                EngineerException.Reason.ALREADY_ENROLLED,
                "enrolled already");
        assertThat(store.list()).hasSize(1);
        assertThat(audit(test).lastSeq()).isEqualTo(1);
    }

    @StorageTest
    void disableEnableAndResetAreAuditedAndRefusedWhenThereIsNothingToDo(TestDatabase test) {
        EngineerStore store = store(test.database());
        Enrolment enrolment = store.add("alice", alice.certificate(), OPERATOR);
        clock.advance(Duration.ofMinutes(1));

        Engineer disabled = store.disable("alice", OPERATOR);
        assertThat(disabled.status()).isEqualTo(Engineer.Status.DISABLED);
        assertThat(disabled.updatedAt()).isEqualTo(clock.instant());
        assertThat(disabled.createdAt()).isEqualTo(enrolment.engineer().createdAt());
        assertRefused(
                () -> store.disable("alice", OPERATOR),
                EngineerException.Reason.ALREADY_DISABLED,
                "engineer alice is disabled already");
        assertThat(store.enable("alice", OPERATOR).status()).isEqualTo(Engineer.Status.ENABLED);
        assertRefused(
                () -> store.enable("alice", OPERATOR),
                EngineerException.Reason.ALREADY_ENABLED,
                "engineer alice is enabled already and not locked out");

        Enrolment reset = store.resetTotp("alice", OPERATOR);
        assertThat(reset.secret()).isNotEqualTo(enrolment.secret());
        assertThat(reset.engineer().status()).isEqualTo(Engineer.Status.ENABLED);

        for (String login : List.of("nobody")) {
            assertRefused(
                    () -> store.disable(login, OPERATOR),
                    EngineerException.Reason.UNKNOWN_ENGINEER,
                    "engineer nobody is not enrolled");
            assertRefused(
                    () -> store.enable(login, OPERATOR),
                    EngineerException.Reason.UNKNOWN_ENGINEER,
                    "engineer nobody is not enrolled");
            assertRefused(
                    () -> store.resetTotp(login, OPERATOR),
                    EngineerException.Reason.UNKNOWN_ENGINEER,
                    "engineer nobody is not enrolled");
        }

        List<ServerAuditEvent> events = eventsAfter(audit(test), 0);
        assertThat(events)
                .extracting(ServerAuditEvent::type)
                .containsExactly(
                        EventType.ENGINEER_ENROLLED,
                        EventType.ENGINEER_DISABLED,
                        EventType.ENGINEER_ENABLED,
                        EventType.TOTP_RESET);
        assertThat(events).extracting(event -> event.type().id()).containsExactly(1500, 1501, 1502, 1503);
        for (ServerAuditEvent event : events.subList(1, 4)) {
            assertThat(event.actor()).isEqualTo(OPERATOR);
            assertThat(event.details()).containsExactly(Map.entry("engineer", "alice"));
        }
    }

    @StorageTest
    void resetTotpRetiresTheOldSecretAndForgetsUsedStepsAndLockouts(TestDatabase test) {
        EngineerStore store = store(test.database(), EngineerSettings.defaults().withMaxFailedAttempts(2));
        TotpSecret old = store.add("alice", alice.certificate(), OPERATOR).secret();
        assertThat(login(store, codeNow(old)).ok()).isTrue();
        login(store, "000000");
        assertThat(login(store, "000000").lockedUntil()).isNotNull();

        TotpSecret fresh = store.resetTotp("alice", OPERATOR).secret();
        assertThat(store.find("alice").orElseThrow().lockedUntil()).isNull();
        assertThat(login(store, codeNow(old)).reason()).isEqualTo(Reason.BAD_CODE);
        assertThat(login(store, codeNow(fresh)).ok())
                .as("the step used with the old secret is forgotten")
                .isTrue();
    }

    // ---- second factor ---------------------------------------------------------------------------------

    @StorageTest
    void theRightCodeIsAcceptedAndAudited(TestDatabase test) {
        EngineerStore store = store(test.database());
        TotpSecret secret = store.add("alice", alice.certificate(), OPERATOR).secret();
        long before = audit(test).lastSeq();

        SecondFactorResult result = login(store, " " + codeNow(secret) + "\n");

        assertThat(result).isEqualTo(new SecondFactorResult("alice", null, null));
        assertThat(result.ok()).isTrue();
        assertThat(result.message()).isEqualTo("accepted");
        List<ServerAuditEvent> events = eventsAfter(audit(test), before);
        assertThat(events).hasSize(1);
        ServerAuditEvent ok = events.get(0);
        assertThat(ok.type()).isEqualTo(EventType.LOGIN_OK);
        assertThat(ok.type().id()).isEqualTo(1510);
        assertThat(ok.outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(ok.actor()).isEqualTo("alice");
        assertThat(ok.sourceAddress()).isEqualTo(SOURCE);
        assertThat(ok.details())
                .containsExactly(
                        Map.entry("certificate", aliceCertificate.toString()),
                        Map.entry("timeStep", Long.toString(TotpVerifier.stepAt(clock.instant()))));
    }

    @StorageTest
    void codesOneStepEitherSideAreAcceptedTwoStepsAreNot(TestDatabase test) {
        EngineerStore store = store(test.database());
        TotpSecret secret = store.add("alice", alice.certificate(), OPERATOR).secret();
        long now = TotpVerifier.stepAt(clock.instant());

        assertThat(login(store, TotpVerifier.code(secret, now - 2)).reason()).isEqualTo(Reason.BAD_CODE);
        assertThat(login(store, TotpVerifier.code(secret, now + 2)).reason()).isEqualTo(Reason.BAD_CODE);
        assertThat(login(store, TotpVerifier.code(secret, now - 1)).ok()).isTrue();
        assertThat(login(store, TotpVerifier.code(secret, now + 1)).ok()).isTrue();
    }

    @StorageTest
    void aWrongCodeIsRefusedCountedAndAudited(TestDatabase test) {
        EngineerStore store = store(test.database());
        TotpSecret secret = store.add("alice", alice.certificate(), OPERATOR).secret();
        String wrong = codeNow(secret).equals("123456") ? "654321" : "123456";
        long before = audit(test).lastSeq();

        SecondFactorResult result = login(store, wrong);
        assertThat(result.reason()).isEqualTo(Reason.BAD_CODE);
        assertThat(result.message()).isEqualTo("wrong TOTP code");
        assertThat(login(store, "12345").reason()).isEqualTo(Reason.BAD_CODE);
        assertThat(login(store, null).reason()).isEqualTo(Reason.BAD_CODE);
        assertThat(store.find("alice").orElseThrow().failedAttempts()).isEqualTo(3);

        List<ServerAuditEvent> events = eventsAfter(audit(test), before);
        assertThat(events)
                .extracting(ServerAuditEvent::type)
                .containsOnly(EventType.LOGIN_FAILED)
                .hasSize(3);
        assertThat(events.get(0).type().id()).isEqualTo(1511);
        assertThat(events.get(0).outcome()).isEqualTo(Outcome.FAILURE);
        assertThat(events.get(0).actor()).isEqualTo("alice");
        assertThat(events.get(0).sourceAddress()).isEqualTo(SOURCE);
        assertThat(events.get(0).details())
                .containsExactly(
                        Map.entry("certificate", aliceCertificate.toString()),
                        Map.entry("failures", "1"),
                        Map.entry("reason", "bad-code"));
        assertThat(events.get(2).details()).containsEntry("failures", "3");

        assertThat(login(store, codeNow(secret)).ok()).isTrue();
        assertThat(store.find("alice").orElseThrow().failedAttempts())
                .as("a success ends the run")
                .isZero();
    }

    @StorageTest
    void aTimeStepIsAcceptedOnceEvenAfterARestart(TestDatabase test) {
        EngineerStore store = store(test.database());
        TotpSecret secret = store.add("alice", alice.certificate(), OPERATOR).secret();
        long step = TotpVerifier.stepAt(clock.instant());
        String code = codeNow(secret);

        assertThat(login(store, code).ok()).isTrue();
        long before = audit(test).lastSeq();
        SecondFactorResult replay = login(store, code);
        assertThat(replay.reason()).isEqualTo(Reason.REPLAY);
        assertThat(replay.message()).isEqualTo("TOTP code already used: wait for the next one");
        assertThat(login(store, TotpVerifier.code(secret, step - 1)).reason())
                .as("an older step, never used, is refused too")
                .isEqualTo(Reason.REPLAY);

        List<ServerAuditEvent> events = eventsAfter(audit(test), before);
        assertThat(events)
                .extracting(ServerAuditEvent::type)
                .containsExactly(EventType.TOTP_REPLAY, EventType.TOTP_REPLAY);
        assertThat(events.get(0).type().id()).isEqualTo(1513);
        assertThat(events.get(0).outcome()).isEqualTo(Outcome.FAILURE);
        assertThat(events.get(0).actor()).isEqualTo("alice");
        assertThat(events.get(0).sourceAddress()).isEqualTo(SOURCE);
        assertThat(events.get(0).details())
                .containsExactly(
                        Map.entry("certificate", aliceCertificate.toString()),
                        Map.entry("failures", "1"),
                        Map.entry("reason", "replay"),
                        Map.entry("timeStep", Long.toString(step)));

        // a restart: a new pool on the same database, a new store, the key read again from its file
        Database reopened = test.open();
        EngineerStore restarted = store(reopened);
        clock.advance(Duration.ofSeconds(15)); // still within the step's window
        assertThat(login(restarted, code).reason()).isEqualTo(Reason.REPLAY);
        clock.advance(Duration.ofSeconds(15));
        assertThat(login(restarted, codeNow(secret)).ok())
                .as("the next step's code")
                .isTrue();
        assertThat(login(restarted, codeNow(secret)).reason()).isEqualTo(Reason.REPLAY);
    }

    @StorageTest
    void ofTwoLoginsRacingWithTheSameCodeExactlyOneWins(TestDatabase test) throws Exception {
        EngineerStore first = store(test.database());
        TotpSecret secret = first.add("alice", alice.certificate(), OPERATOR).secret();
        EngineerStore second = store(test.open()); // another pool, as another server process would have
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 5; round++) {
                String code = codeNow(secret);
                CountDownLatch start = new CountDownLatch(1);
                List<Future<SecondFactorResult>> results = new ArrayList<>();
                for (EngineerStore store : List.of(first, second)) {
                    Callable<SecondFactorResult> attempt = () -> {
                        start.await();
                        return login(store, code);
                    };
                    results.add(threads.submit(attempt));
                }
                start.countDown();
                List<Reason> reasons = new ArrayList<>();
                for (Future<SecondFactorResult> result : results) {
                    reasons.add(result.get(60, TimeUnit.SECONDS).reason());
                }
                assertThat(reasons).as("round %d", round).containsExactlyInAnyOrder(null, Reason.REPLAY);
                clock.advance(TotpVerifier.TIME_STEP);
            }
        } finally {
            threads.shutdownNow();
            assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(eventsAfter(audit(test), 1))
                .extracting(ServerAuditEvent::type)
                .filteredOn(type -> type == EventType.LOGIN_OK)
                .hasSize(5);
    }

    @StorageTest
    void fiveFailuresInARowLockTheEngineerOutForFifteenMinutesEvenWithTheRightCode(TestDatabase test) {
        EngineerStore store = store(test.database());
        TotpSecret secret = store.add("alice", alice.certificate(), OPERATOR).secret();
        String wrong = codeNow(secret).equals("123456") ? "654321" : "123456";
        long before = audit(test).lastSeq();

        for (int i = 1; i <= 4; i++) {
            SecondFactorResult result = login(store, wrong);
            assertThat(result.reason()).isEqualTo(Reason.BAD_CODE);
            assertThat(result.lockedUntil()).isNull();
        }
        Instant lockedUntil = clock.instant().plus(Duration.ofMinutes(15));
        SecondFactorResult fifth = login(store, wrong);
        assertThat(fifth.reason()).isEqualTo(Reason.BAD_CODE);
        assertThat(fifth.lockedUntil()).isEqualTo(lockedUntil);
        assertThat(fifth.message()).isEqualTo("wrong TOTP code; locked out until " + lockedUntil);
        assertThat(store.find("alice").orElseThrow().lockedUntil()).isEqualTo(lockedUntil);

        SecondFactorResult locked = login(store, codeNow(secret));
        assertThat(locked.reason()).isEqualTo(Reason.LOCKED);
        assertThat(locked.lockedUntil()).isEqualTo(lockedUntil);
        clock.set(lockedUntil.minusMillis(1));
        assertThat(login(store, codeNow(secret)).reason()).isEqualTo(Reason.LOCKED);
        assertThat(store.find("alice").orElseThrow().failedAttempts())
                .as("refusals while locked do not count")
                .isEqualTo(5);

        clock.set(lockedUntil);
        assertThat(login(store, codeNow(secret)).ok()).isTrue();
        assertThat(store.find("alice").orElseThrow().lockedUntil()).isNull();
        assertThat(store.find("alice").orElseThrow().failedAttempts()).isZero();

        List<ServerAuditEvent> events = eventsAfter(audit(test), before);
        assertThat(events)
                .extracting(ServerAuditEvent::type)
                .containsExactly(
                        EventType.LOGIN_FAILED,
                        EventType.LOGIN_FAILED,
                        EventType.LOGIN_FAILED,
                        EventType.LOGIN_FAILED,
                        EventType.LOGIN_FAILED,
                        EventType.LOGIN_LOCKED,
                        EventType.LOGIN_LOCKED,
                        EventType.LOGIN_LOCKED,
                        EventType.LOGIN_OK);
        ServerAuditEvent lockout = events.get(5);
        assertThat(lockout.type().id()).isEqualTo(1512);
        assertThat(lockout.actor()).isEqualTo("alice");
        assertThat(lockout.sourceAddress()).isEqualTo(SOURCE);
        assertThat(lockout.details())
                .containsExactly(
                        Map.entry("certificate", aliceCertificate.toString()),
                        Map.entry("failures", "5"),
                        Map.entry("lockedUntil", lockedUntil.toString()),
                        Map.entry("reason", "too-many-failures"));
        assertThat(events.get(6).details())
                .containsEntry("reason", "locked")
                .containsEntry("lockedUntil", lockedUntil.toString());
    }

    @StorageTest
    void theLimitAndTheLockoutAreConfigurableAndACountStartsAfreshAfterALockout(TestDatabase test) {
        EngineerStore store = store(
                test.database(),
                EngineerSettings.defaults().withMaxFailedAttempts(2).withLockout(Duration.ofMinutes(1)));
        TotpSecret secret = store.add("alice", alice.certificate(), OPERATOR).secret();
        String used = codeNow(secret);
        assertThat(login(store, used).ok()).isTrue();

        assertThat(login(store, used).reason())
                .as("a replay counts as a failure")
                .isEqualTo(Reason.REPLAY);
        SecondFactorResult second = login(store, "000000".equals(codeNow(secret)) ? "111111" : "000000");
        assertThat(second.lockedUntil()).isEqualTo(clock.instant().plus(Duration.ofMinutes(1)));
        clock.advance(Duration.ofMinutes(1));

        SecondFactorResult afterwards = login(store, "abcdef");
        assertThat(afterwards.reason()).isEqualTo(Reason.BAD_CODE);
        assertThat(afterwards.lockedUntil())
                .as("one failure after the lockout is one of a new run")
                .isNull();
        assertThat(store.find("alice").orElseThrow().failedAttempts()).isEqualTo(1);
    }

    @StorageTest
    void enableLiftsALockout(TestDatabase test) {
        EngineerStore store = store(test.database(), EngineerSettings.defaults().withMaxFailedAttempts(1));
        TotpSecret secret = store.add("alice", alice.certificate(), OPERATOR).secret();
        assertThat(login(store, "abcdef").lockedUntil()).isNotNull();
        assertThat(login(store, codeNow(secret)).reason()).isEqualTo(Reason.LOCKED);

        Engineer unlocked = store.enable("alice", OPERATOR);
        assertThat(unlocked.lockedUntil()).isNull();
        assertThat(unlocked.failedAttempts()).isZero();
        assertThat(login(store, codeNow(secret)).ok()).isTrue();
    }

    @StorageTest
    void aDisabledEngineerIsRefusedUntilEnabled(TestDatabase test) {
        EngineerStore store = store(test.database());
        TotpSecret secret = store.add("alice", alice.certificate(), OPERATOR).secret();
        store.disable("alice", OPERATOR);
        long before = audit(test).lastSeq();

        SecondFactorResult refused = login(store, codeNow(secret));
        assertThat(refused.reason()).isEqualTo(Reason.DISABLED);
        assertThat(refused.message()).isEqualTo("engineer disabled");
        assertThat(store.find("alice").orElseThrow().failedAttempts()).isZero();
        ServerAuditEvent failed = eventsAfter(audit(test), before).get(0);
        assertThat(failed.type()).isEqualTo(EventType.LOGIN_FAILED);
        assertThat(failed.details()).containsEntry("reason", "disabled");

        store.enable("alice", OPERATOR);
        assertThat(login(store, codeNow(secret)).ok())
                .as("the code was not used up by the refusal")
                .isTrue();
    }

    @StorageTest
    void anotherCertificateOfTheSameLoginIsRefused(TestDatabase test) {
        EngineerStore store = store(test.database());
        TotpSecret secret = store.add("alice", alice.certificate(), OPERATOR).secret();
        CertificateFingerprint other =
                CertificateFingerprint.of(pki.engineer("alice").certificate());
        long before = audit(test).lastSeq();

        SecondFactorResult refused = store.checkSecondFactor("alice", codeNow(secret), other, SOURCE);
        assertThat(refused.reason()).isEqualTo(Reason.WRONG_CERTIFICATE);
        ServerAuditEvent failed = eventsAfter(audit(test), before).get(0);
        assertThat(failed.type()).isEqualTo(EventType.LOGIN_FAILED);
        assertThat(failed.details())
                .containsEntry("reason", "wrong-certificate")
                .containsEntry("certificate", other.toString());
        assertThat(login(store, codeNow(secret)).ok()).isTrue();
    }

    @StorageTest
    void anUnknownLoginIsRefusedAndAudited(TestDatabase test) {
        EngineerStore store = store(test.database());
        SecondFactorResult refused = store.checkSecondFactor("mallory", "123456", aliceCertificate, SOURCE);
        assertThat(refused.reason()).isEqualTo(Reason.UNKNOWN);
        assertThat(refused.message()).isEqualTo("unknown engineer");
        SecondFactorResult odd = store.checkSecondFactor("mal\nlory", "123456", aliceCertificate, null);
        assertThat(odd.reason()).isEqualTo(Reason.UNKNOWN);

        List<ServerAuditEvent> events = eventsAfter(audit(test), 0);
        assertThat(events)
                .extracting(ServerAuditEvent::type)
                .containsExactly(EventType.LOGIN_FAILED, EventType.LOGIN_FAILED);
        assertThat(events.get(0).actor()).isEqualTo("mallory");
        assertThat(events.get(0).details()).containsEntry("reason", "unknown");
        assertThat(events.get(1).actor()).isEqualTo("mal?lory");
    }

    @StorageTest
    void noAuditRecordHoldsACodeOrTheSecret(TestDatabase test) {
        EngineerStore store = store(test.database(), EngineerSettings.defaults().withMaxFailedAttempts(3));
        Enrolment enrolment = store.add("alice", alice.certificate(), OPERATOR);
        TotpSecret secret = enrolment.secret();
        List<String> codes = new ArrayList<>();
        String right = codeNow(secret);
        codes.add(right);
        login(store, right); // ok
        login(store, right); // replay
        String wrong = right.equals("999999") ? "888888" : "999999";
        codes.add(wrong);
        login(store, wrong); // bad code
        login(store, wrong); // bad code, locks
        login(store, right); // locked
        store.disable("alice", OPERATOR);
        login(store, right); // disabled
        TotpSecret reset = store.resetTotp("alice", OPERATOR).secret();

        List<ServerAuditEvent> events = eventsAfter(audit(test), 0);
        assertThat(events)
                .extracting(ServerAuditEvent::type)
                .contains(
                        EventType.LOGIN_OK,
                        EventType.TOTP_REPLAY,
                        EventType.LOGIN_FAILED,
                        EventType.LOGIN_LOCKED,
                        EventType.TOTP_RESET);
        Set<String> allowedKeys =
                Set.of("certificate", "email", "engineer", "failures", "lockedUntil", "name", "reason", "timeStep");
        for (ServerAuditEvent event : events) {
            assertThat(allowedKeys).containsAll(event.details().keySet());
            List<String> fields = new ArrayList<>(event.details().values());
            fields.add(event.actor());
            fields.add(event.sourceAddress());
            for (String field : fields) {
                if (field == null) {
                    continue;
                }
                assertThat(field).doesNotContain(secret.base32()).doesNotContain(reset.base32());
                assertThat(codes).doesNotContain(field);
            }
            if (event.details().containsKey("timeStep")) {
                assertThat(event.details().get("timeStep")).matches("[0-9]{8,}");
            }
        }
    }

    // ---- the secret at rest ----------------------------------------------------------------------------

    @StorageTest
    void theSecretIsSealedAtRestAndBoundToItsLogin(TestDatabase test) throws Exception {
        EngineerStore store = store(test.database());
        TotpSecret aliceSecret =
                store.add("alice", alice.certificate(), OPERATOR).secret();
        TotpSecret bobSecret =
                store.add("bob", pki.engineer("bob").certificate(), OPERATOR).secret();

        String aliceAtRest = storedSecret(test.database(), "alice");
        String bobAtRest = storedSecret(test.database(), "bob");
        String keyId = TotpSecretKey.in(serverDir).keyId();
        assertThat(aliceAtRest)
                .startsWith("v1:" + keyId + ":")
                .doesNotContain(aliceSecret.base32())
                .doesNotContainIgnoringCase(aliceSecret.base32());
        assertThat(bobAtRest).doesNotContain(bobSecret.base32());

        // someone with write access to the database gives bob alice's sealed secret: it does not open for bob
        test.tamper("UPDATE engineers SET totp_secret = '" + aliceAtRest + "' WHERE login = 'bob'");
        CertificateFingerprint bobCertificate = store.find("bob").orElseThrow().certificate();
        long before = audit(test).lastSeq();
        assertThatThrownBy(() -> store.checkSecondFactor("bob", codeNow(aliceSecret), bobCertificate, SOURCE))
                .isInstanceOf(CryptoException.class)
                .hasMessageContaining("the TOTP secret of engineer bob does not decrypt")
                .hasMessageContaining("reset-totp bob")
                .hasMessageNotContaining("\n");
        List<ServerAuditEvent> events = eventsAfter(audit(test), before);
        assertThat(events).hasSize(1);
        assertThat(events.get(0).type()).isEqualTo(EventType.LOGIN_FAILED);
        assertThat(events.get(0).actor()).isEqualTo("bob");
        assertThat(events.get(0).details()).containsEntry("reason", "totp-secret-unreadable");

        store.resetTotp("bob", OPERATOR);
        assertThat(login(store, codeNow(aliceSecret)).ok())
                .as("alice is unaffected")
                .isTrue();
    }

    @StorageTest
    void aReplacedOrMissingKeyFileIsAClearError(TestDatabase test) throws Exception {
        EngineerStore store = store(test.database());
        TotpSecret secret = store.add("alice", alice.certificate(), OPERATOR).secret();
        Path keyFile = serverDir.resolve(TotpSecretKey.RELATIVE_FILE);
        assertThat(Files.getPosixFilePermissions(keyFile)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(keyFile.getParent()))
                .isEqualTo(PosixFilePermissions.fromString("rwx------"));
        String original = Files.readString(keyFile);

        Files.delete(keyFile);
        assertThatThrownBy(() -> login(store(test.database()), codeNow(secret)))
                .isInstanceOf(CryptoException.class)
                .hasMessage("TOTP key file " + keyFile + " is missing: the engineers' TOTP secrets cannot be read"
                        + " without it; restore it from a backup, or give every engineer a new secret with"
                        + " 'sc-server engineers reset-totp'");
        assertThat(keyFile).doesNotExist();

        TotpSecretKey replacement = TotpSecretKey.in(serverDir);
        replacement.loadOrCreate();
        assertThatThrownBy(() -> login(store(test.database()), codeNow(secret)))
                .isInstanceOf(CryptoException.class)
                .hasMessageContaining("the TOTP secret of engineer alice was sealed with TOTP key ")
                .hasMessageContaining("holds key " + replacement.keyId())
                .hasMessageContaining("restore the original key file");

        Files.writeString(keyFile, original);
        assertThat(login(store(test.database()), codeNow(secret)).ok()).isTrue();
    }

    static String storedSecret(Database database, String login) {
        return database.withConnection(connection -> query(connection, login));
    }

    private static String query(Connection connection, String login) throws SQLException {
        try (PreparedStatement select =
                connection.prepareStatement("SELECT totp_secret FROM engineers WHERE login = ?")) {
            select.setString(1, login);
            try (ResultSet rs = select.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getString(1);
            }
        }
    }

    static void assertRefused(Runnable action, EngineerException.Reason reason, String message) {
        assertThatThrownBy(action::run)
                .isInstanceOf(EngineerException.class)
                .hasMessageContaining(message)
                .hasMessageNotContaining("\n")
                .satisfies(e -> assertThat(((EngineerException) e).reason()).isEqualTo(reason));
    }
}
