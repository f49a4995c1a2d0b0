package dev.secureconnect.server.cases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.audit.ServerAuditRecord;
import dev.secureconnect.server.storage.testing.StorageTest;
import dev.secureconnect.server.storage.testing.TestDatabase;
import dev.secureconnect.server.tickets.TicketStore;
import dev.secureconnect.testing.MutableClock;
import dev.secureconnect.tunnel.link.CaseNotice;
import dev.secureconnect.tunnel.link.TicketNumber;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * De-duplication and re-arm, table-driven: the pure decision, then whole scenarios of bundles and missed heartbeats
 * through the store on SQLite and PostgreSQL (cases opened, audited, listed, closed).
 */
class CaseStoreTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', textBlock = """
            never fired                     ; -1 ; -1 ; 5 ; PT1H  ; true
            still firing, long after        ;  0 ; -1 ; 9 ; PT1H  ; false
            clear for less than the re-arm  ;  0 ;  5 ; 5 ; PT1H  ; false
            clear for exactly the re-arm    ;  0 ;  5 ; 6 ; PT1H  ; true
            clear for longer                ;  0 ;  5 ; 9 ; PT1H  ; true
            re-arm zero, clear once         ;  0 ;  5 ; 5 ; PT0S  ; true
            """)
    void aKeyOpensOnlyWhenNewOrClearForTheRearmTime(
            String what, int firedAtHour, int clearSinceHour, int nowHour, Duration rearm, boolean opens) {
        AlertState state = firedAtHour < 0
                ? null
                : new AlertState(
                        "SN-1",
                        "disk:/data",
                        "disk",
                        "C10000000",
                        T0.plus(Duration.ofHours(firedAtHour)),
                        clearSinceHour < 0 ? null : T0.plus(Duration.ofHours(clearSinceHour)));
        assertThat(AlertState.opens(state, T0.plus(Duration.ofHours(nowHour)), rearm))
                .as(what)
                .isEqualTo(opens);
    }

    static final String RULES = """
            rules:
              - name: disk
                title: "{subject} is {value}% full"
                severity: high
                when: {fileSystemAbove: {percent: 90}}
                rearm: PT4H
                scope: {commands: [disk-usage], folders: [/var/log], duration: PT2H}
              - name: any-disk
                title: "a disk is full"
                severity: low
                when: {fileSystemAbove: {percent: 95}}
                dedupKey: "{rule}"
                rearm: PT0S
              - name: silent
                title: "silent: {value}"
                when: {heartbeatMissed: true}
            """;

    /**
     * Steps {@code H:WHAT}, H hours after the start: {@code D} a bundle with /data 97 % full, {@code B} with /data
     * and /backup 97 % full, {@code C} a bundle with every disk clear, {@code M} a missed heartbeat. Expected: the
     * cases opened, {@code H:RULE/SUBJECT}.
     */
    @StorageTest
    void scenariosOpenOneCasePerProblemUntilItRearms(TestDatabase test) throws Exception {
        List<AlertRule> rules = RulesFile.parse("rules.yaml", RULES);
        Map<String, String> scenarios = new java.util.LinkedHashMap<>();
        scenarios.put("a disk that stays full opens one case per key", "0:D 6:D 12:D 18:D|0:disk:/data 0:any-disk");
        scenarios.put(
                "full, clear for the re-arm time, full again: a new case",
                "0:D 1:C 6:D|0:disk:/data 0:any-disk 6:disk:/data 6:any-disk");
        scenarios.put(
                "flapping within the re-arm time stays one case",
                "0:D 1:C 2:D 3:C 4:D|0:disk:/data 0:any-disk 2:any-disk 4:any-disk");
        scenarios.put(
                "a second disk is a second problem, the rule keyed without subject is one",
                "0:D 1:B 2:B|0:disk:/data 0:any-disk 1:disk:/backup");
        scenarios.put(
                "a missed heartbeat opens one case until a bundle arrives and the re-arm passes",
                "0:M 6:M 7:C 7:M 9:C 20:M|0:silent:heartbeat 20:silent:heartbeat");
        MutableClock clock = new MutableClock(T0);
        ServerAuditLog audit = new ServerAuditLog(test.database(), clock);
        CaseStore store = new CaseStore(test.database(), audit, clock);
        Instant start = T0;
        for (Map.Entry<String, String> scenario : scenarios.entrySet()) {
            String serial = "SN-" + Integer.toHexString(scenario.getKey().hashCode());
            start = start.plus(Duration.ofDays(10));
            String[] parts = scenario.getValue().split("\\|");
            List<String> opened = new ArrayList<>();
            for (String step : parts[0].split(" ")) {
                int hour = Integer.parseInt(step.substring(0, step.indexOf(':')));
                char what = step.charAt(step.length() - 1);
                clock.set(start.plus(Duration.ofHours(hour)));
                List<SupportCase> made = what == 'M'
                        ? store.fire(
                                serial,
                                null,
                                Conditions.onMissedHeartbeat(rules, "no bundle for PT13H"),
                                CaseStore.Evaluation.MISSED_HEARTBEAT)
                        : store.fire(
                                serial,
                                "b-" + hour,
                                Conditions.onBundle(rules, bundle(serial, what)),
                                CaseStore.Evaluation.BUNDLE);
                made.forEach(c -> opened.add(hour + ":" + c.dedupKey()));
            }
            assertThat(opened).as(scenario.getKey()).containsExactly(parts[1].split(" "));
            assertThat(store.list(serial, 100)).as(scenario.getKey()).hasSize(opened.size());
        }
    }

    @StorageTest
    void aCaseCarriesItsScopeIsAuditedListedAndClosedOnce(TestDatabase test) throws Exception {
        MutableClock clock = new MutableClock(T0);
        ServerAuditLog audit = new ServerAuditLog(test.database(), clock);
        CaseStore store = new CaseStore(test.database(), audit, clock);
        List<AlertRule> rules = RulesFile.parse("rules.yaml", RULES);

        List<SupportCase> opened = store.fire(
                "SN-1", "bundle-1", Conditions.onBundle(rules, bundle("SN-1", 'D')), CaseStore.Evaluation.BUNDLE);
        assertThat(opened).hasSize(2);
        SupportCase disk = opened.get(0);
        assertThat(disk.id()).matches("C[1-9][0-9]{7}");
        assertThat(disk.title()).isEqualTo("/data is 97.0% full");
        assertThat(disk.severity()).isEqualTo(CaseSeverity.HIGH);
        assertThat(disk.state()).isEqualTo(SupportCase.State.OPEN);
        assertThat(disk.bundleId()).isEqualTo("bundle-1");
        assertThat(disk.scope())
                .isEqualTo(new AccessScope(List.of(), List.of("disk-usage"), List.of("/var/log"), Duration.ofHours(2)));
        assertThat(store.find(disk.id())).contains(disk);
        assertThat(store.list("SN-1", 10)).containsExactlyInAnyOrderElementsOf(opened);
        assertThat(store.list("SN-OTHER", 10)).isEmpty();

        ServerAuditRecord record = audit.list(0, 100).stream()
                .filter(r -> r.event().type() == EventType.CASE_OPENED)
                .filter(r -> disk.id().equals(r.event().details().get("caseId")))
                .findFirst()
                .orElseThrow();
        assertThat(record.event().applianceSerial()).isEqualTo("SN-1");
        assertThat(record.event().details())
                .containsEntry("rule", "disk")
                .containsEntry("severity", "high")
                .containsEntry("bundleId", "bundle-1")
                .containsEntry(
                        "scope",
                        "{\"services\":[],\"commands\":[\"disk-usage\"],\"folders\":[\"/var/log\"],\"duration\":\"PT2H\"}");

        clock.advance(Duration.ofMinutes(5));
        SupportCase closed = store.close(disk.id(), "operator", "disk\ncleaned");
        assertThat(closed.state()).isEqualTo(SupportCase.State.CLOSED);
        assertThat(closed.stateReason()).isEqualTo("disk?cleaned");
        assertThat(store.find(disk.id())).contains(closed);
        assertThat(audit.list(0, 100))
                .anyMatch(r -> r.event().type() == EventType.CASE_CLOSED
                        && disk.id().equals(r.event().details().get("caseId")));
        assertThatThrownBy(() -> store.close(disk.id(), "operator", "again"))
                .isInstanceOf(CaseException.class)
                .hasMessage("case " + disk.id() + " is already closed");
        assertThatThrownBy(() -> store.close("C0\n", "operator", "x"))
                .isInstanceOf(CaseException.class)
                .hasMessage("no case has the id 'C0?' (see 'sc-server cases list')");
    }

    /**
     * A case opens its ticket (the id's digits, bound to the appliance); the admin's decisions move an open case once,
     * audited; another appliance's decision changes nothing; closing the case closes its ticket.
     */
    @StorageTest
    void aCaseHasItsTicketAndTakesTheAdminsDecisionOnce(TestDatabase test) throws Exception {
        MutableClock clock = new MutableClock(T0);
        ServerAuditLog audit = new ServerAuditLog(test.database(), clock);
        CaseStore store = new CaseStore(test.database(), audit, clock);
        TicketStore tickets = new TicketStore(test.database(), audit, clock);
        List<AlertRule> rules = RulesFile.parse("rules.yaml", RULES);
        List<SupportCase> opened = store.fire(
                "SN-1", "bundle-1", Conditions.onBundle(rules, bundle("SN-1", 'D')), CaseStore.Evaluation.BUNDLE);
        SupportCase disk = opened.get(0);
        SupportCase other = opened.get(1);

        TicketNumber number = CaseStore.ticket(disk.id());
        assertThat(number.value()).isEqualTo(disk.id().substring(1));
        assertThat(tickets.admit(number, "SN-1").accepted()).isTrue();
        assertThat(tickets.admit(number, "SN-2").accepted()).isFalse();

        CaseNotice.Cases notices = store.notices("SN-1");
        assertThat(notices.cases())
                .filteredOn(n -> n.id().equals(disk.id()))
                .singleElement()
                .satisfies(n -> {
                    assertThat(n.ticket()).isEqualTo(number.value());
                    assertThat(n.state()).isEqualTo("open");
                    assertThat(n.scope().commands()).containsExactly("disk-usage");
                    assertThat(n.scope().seconds()).isEqualTo(7200);
                });

        CaseNotice.Decision approve = new CaseNotice.Decision(disk.id(), "approved", "", "2026-01-01T02:00:00Z");
        assertThat(store.decide("SN-2", approve, "link")).as("not its case").isFalse();
        assertThat(store.decide("SN-1", approve, "link")).isTrue();
        assertThat(store.decide("SN-1", approve, "link")).as("taken once").isFalse();
        assertThat(store.find(disk.id()).orElseThrow().state()).isEqualTo(SupportCase.State.APPROVED);
        assertThat(store.decide("SN-1", new CaseNotice.Decision(other.id(), "declined", "not now", ""), "callhome"))
                .isTrue();
        assertThat(store.find(other.id()).orElseThrow().stateReason()).isEqualTo("not now");
        assertThat(audit.list(0, 100))
                .extracting(r -> r.event().type())
                .contains(EventType.TICKET_OPENED, EventType.CASE_APPROVED, EventType.CASE_DECLINED);

        store.close(disk.id(), "operator", "fixed");
        assertThat(tickets.admit(number, "SN-1").accepted()).isFalse();
    }

    /** A case's id is C and a number no ticket has: drawn by the tickets' one picker, past a taken number. */
    @StorageTest
    void aCaseIdIsAFreeTicketNumberFromTheTicketsPicker(TestDatabase test) throws Exception {
        MutableClock clock = new MutableClock(T0);
        ServerAuditLog audit = new ServerAuditLog(test.database(), clock);
        audit.inTransaction(transaction ->
                TicketStore.open(transaction, new TicketNumber("12345678"), "taken", null, "operator", T0));
        int[] draws = {12_345_678, 23_456_789};
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        java.util.random.RandomGenerator random = new java.util.random.RandomGenerator() {
            @Override
            public long nextLong() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int nextInt(int origin, int bound) {
                return draws[Math.min(next.getAndIncrement(), draws.length - 1)];
            }
        };
        CaseStore store = new CaseStore(test.database(), audit, clock, random);
        List<AlertRule> rules = RulesFile.parse("rules.yaml", RULES);

        List<SupportCase> opened = store.fire(
                "SN-1", "bundle-1", Conditions.onBundle(rules, bundle("SN-1", 'C')), CaseStore.Evaluation.BUNDLE);
        assertThat(opened).isEmpty();
        opened = store.fire(
                "SN-1",
                "bundle-2",
                Conditions.onBundle(rules.subList(0, 1), bundle("SN-1", 'D')),
                CaseStore.Evaluation.BUNDLE);
        assertThat(opened).extracting(SupportCase::id).containsExactly("C23456789");
        assertThat(next.get()).isEqualTo(2);
    }

    /** A bundle of {@code serial}: D /data full, B /data and /backup full, C all clear. */
    static JsonNode bundle(String serial, char what) throws Exception {
        double data = what == 'C' ? 40 : 97;
        double backup = what == 'B' ? 97 : 40;
        return JSON.readTree("{\"serial\": \"" + serial + "\", \"system\": {\"fileSystems\": ["
                + "{\"mount\": \"/data\", \"usedPercent\": " + data + "},"
                + "{\"mount\": \"/backup\", \"usedPercent\": " + backup + "}]}}");
    }
}
