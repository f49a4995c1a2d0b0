package dev.secureconnect.server.appliances;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.server.storage.testing.StorageTest;
import dev.secureconnect.server.storage.testing.TestDatabase;
import dev.secureconnect.testing.MutableClock;
import dev.secureconnect.tunnel.link.TicketNumber;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

class ApplianceStoreTest {

    private static final TicketNumber T1 = new TicketNumber("12345678");
    private static final TicketNumber T2 = new TicketNumber("23456789");

    private final MutableClock clock = MutableClock.atNewYear2026();

    @StorageTest
    void aLinkThatComesUpIsListedOnlineWithItsDetails(TestDatabase test) {
        ApplianceStore store = new ApplianceStore(test.database(), clock, "node-a");

        ApplianceStatus up = store.linkUp("SN-1", "203.0.113.7:50412", List.of(T1, T2), List.of("ssh", "web"));

        ApplianceStatus expected = new ApplianceStatus(
                "SN-1",
                true,
                clock.instant(),
                "203.0.113.7:50412",
                List.of(T1, T2),
                List.of("ssh", "web"),
                clock.instant(),
                "node-a",
                null);
        assertThat(up).isEqualTo(expected);
        assertThat(store.find("SN-1")).contains(expected);
        assertThat(store.list()).containsExactly(expected);
        assertThat(store.find("SN-2")).isEmpty();
    }

    @StorageTest
    void aLinkThatGoesDownIsOfflineWithItsReasonAndNoTickets(TestDatabase test) {
        ApplianceStore store = new ApplianceStore(test.database(), clock, "node-a");
        store.linkUp("SN-1", "203.0.113.7:50412", List.of(T1), List.of("ssh"));
        Instant upAt = clock.instant();
        clock.advance(Duration.ofMinutes(5));

        assertThat(store.linkDown("SN-1", "keep-alive timeout")).isTrue();

        ApplianceStatus down = store.find("SN-1").orElseThrow();
        assertThat(down.online()).isFalse();
        assertThat(down.since()).isEqualTo(clock.instant());
        assertThat(down.downReason()).isEqualTo("keep-alive timeout");
        assertThat(down.tickets()).isEmpty();
        assertThat(down.services()).containsExactly("ssh");
        assertThat(down.lastSeen()).isEqualTo(upAt);
        assertThat(store.linkDown("SN-1", "again")).isFalse();
        assertThat(store.find("SN-1").orElseThrow().downReason()).isEqualTo("keep-alive timeout");
    }

    @StorageTest
    void aLinkComingBackUpReplacesTheOldRow(TestDatabase test) {
        ApplianceStore store = new ApplianceStore(test.database(), clock, "node-a");
        store.linkUp("SN-1", "203.0.113.7:1", List.of(T1), List.of("ssh"));
        store.linkDown("SN-1", "reset");
        clock.advance(Duration.ofSeconds(3));

        store.linkUp("SN-1", "203.0.113.7:2", List.of(T2), List.of("web"));

        assertThat(store.list())
                .containsExactly(new ApplianceStatus(
                        "SN-1",
                        true,
                        clock.instant(),
                        "203.0.113.7:2",
                        List.of(T2),
                        List.of("web"),
                        clock.instant(),
                        "node-a",
                        null));
    }

    @StorageTest
    void seenAndUpdateTicketsTouchOnlyALinkThisNodeHolds(TestDatabase test) {
        ApplianceStore store = new ApplianceStore(test.database(), clock, "node-a");
        store.linkUp("SN-1", null, List.of(), List.of());
        clock.advance(Duration.ofSeconds(30));

        assertThat(store.seen("SN-1")).isTrue();
        assertThat(store.find("SN-1").orElseThrow().lastSeen()).isEqualTo(clock.instant());
        assertThat(store.updateTickets("SN-1", List.of(T2))).isTrue();
        assertThat(store.find("SN-1").orElseThrow().tickets()).containsExactly(T2);
        assertThat(store.seen("SN-unknown")).isFalse();
        store.linkDown("SN-1", "gone");
        assertThat(store.seen("SN-1")).isFalse();
        assertThat(store.updateTickets("SN-1", List.of(T1))).isFalse();
        assertThat(store.find("SN-1").orElseThrow().tickets()).isEmpty();
    }

    @StorageTest
    void aNodeDoesNotTakeDownALinkAnotherNodeNowHolds(TestDatabase test) {
        ApplianceStore nodeA = new ApplianceStore(test.database(), clock, "node-a");
        ApplianceStore nodeB = new ApplianceStore(test.open(), clock, "node-b");
        nodeA.linkUp("SN-1", "203.0.113.7:1", List.of(T1), List.of());
        nodeB.linkUp("SN-1", "203.0.113.7:2", List.of(T1), List.of());

        assertThat(nodeA.linkDown("SN-1", "stale link on node-a")).isFalse();

        ApplianceStatus status = nodeA.find("SN-1").orElseThrow();
        assertThat(status.online()).isTrue();
        assertThat(status.node()).isEqualTo("node-b");
    }

    @StorageTest
    void markAllOfflineTakesDownOnlyThisNodesLinks(TestDatabase test) {
        ApplianceStore nodeA = new ApplianceStore(test.database(), clock, "node-a");
        ApplianceStore nodeB = new ApplianceStore(test.database(), clock, "node-b");
        nodeA.linkUp("SN-1", null, List.of(T1), List.of());
        nodeA.linkUp("SN-2", null, List.of(), List.of());
        nodeB.linkUp("SN-3", null, List.of(T2), List.of());
        nodeA.linkDown("SN-2", "closed");

        assertThat(nodeA.markAllOffline()).isEqualTo(1);

        assertThat(nodeA.list())
                .extracting(ApplianceStatus::serial, ApplianceStatus::online, ApplianceStatus::downReason)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("SN-1", false, ApplianceStore.SERVER_RESTARTED),
                        org.assertj.core.groups.Tuple.tuple("SN-2", false, "closed"),
                        org.assertj.core.groups.Tuple.tuple("SN-3", true, null));
        assertThat(nodeA.markAllOffline()).isZero();
    }
}
