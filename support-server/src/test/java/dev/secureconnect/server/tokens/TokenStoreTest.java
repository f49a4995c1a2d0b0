package dev.secureconnect.server.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.crypto.token.AccessToken;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.audit.ServerAuditRecord;
import dev.secureconnect.server.storage.testing.StorageTest;
import dev.secureconnect.server.storage.testing.TestDatabase;
import dev.secureconnect.testing.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The {@code access_tokens} table on SQLite and PostgreSQL. */
class TokenStoreTest {

    private final MutableClock clock = MutableClock.atNewYear2026();

    AccessToken token(String engineer, Duration lifetime, String reason) {
        return new AccessToken(
                engineer,
                "SN-1",
                "12345678",
                "A".repeat(43),
                "sc-server",
                clock.instant(),
                clock.instant().plus(lifetime),
                UUID.randomUUID(),
                Optional.ofNullable(reason));
    }

    @StorageTest
    void issuedTokensAreRecordedListedAndAudited(TestDatabase test) {
        ServerAuditLog audit = new ServerAuditLog(test.database(), clock);
        TokenStore store = new TokenStore(test.database(), audit, clock);
        AccessToken first = token("alice", Duration.ofHours(1), "disk full");
        store.recordIssued(first, "127.0.0.1:5000");
        clock.advance(Duration.ofMinutes(1));
        AccessToken second = token("bob", Duration.ofMinutes(2), null);
        store.recordIssued(second, null);

        assertThat(store.list(false)).extracting(StoredToken::id).containsExactly(second.id(), first.id());
        StoredToken stored = store.find(first.id()).orElseThrow();
        assertThat(stored)
                .isEqualTo(new StoredToken(
                        first.id(),
                        "alice",
                        "SN-1",
                        "12345678",
                        first.issuedAt(),
                        first.expiresAt(),
                        "disk full",
                        null,
                        null,
                        null));
        clock.advance(Duration.ofMinutes(5)); // second expired
        assertThat(store.list(false)).extracting(StoredToken::id).containsExactly(first.id());
        assertThat(store.list(true)).hasSize(2);
        assertThat(store.find(second.id()).orElseThrow().status(clock.instant()))
                .isEqualTo("expired");

        ServerAuditRecord issued = audit.list(0, 10).get(0);
        assertThat(issued.event().type()).isEqualTo(EventType.TOKEN_ISSUED);
        assertThat(issued.event().actor()).isEqualTo("alice");
        assertThat(issued.event().applianceSerial()).isEqualTo("SN-1");
        assertThat(issued.event().ticket()).isEqualTo("12345678");
        assertThat(issued.event().sourceAddress()).isEqualTo("127.0.0.1:5000");
        assertThat(issued.event().details())
                .containsEntry("tokenId", first.id().toString())
                .containsEntry("expiresAt", first.expiresAt().toString())
                .containsEntry("reason", "disk full");
    }

    @StorageTest
    void revokeMarksTheTokenOnceAndAuditsIt(TestDatabase test) {
        ServerAuditLog audit = new ServerAuditLog(test.database(), clock);
        TokenStore store = new TokenStore(test.database(), audit, clock);
        AccessToken token = token("alice", Duration.ofHours(1), null);
        store.recordIssued(token, null);
        assertThat(store.isRevoked(token.id())).isFalse();
        assertThat(store.revokedUnexpired()).isEmpty();

        StoredToken revoked = store.revoke(token.id().toString(), "operator:root", "laptop lost");
        assertThat(revoked.revokedAt()).isEqualTo(clock.instant());
        assertThat(revoked.revokedBy()).isEqualTo("operator:root");
        assertThat(revoked.revokeReason()).isEqualTo("laptop lost");
        assertThat(store.isRevoked(token.id())).isTrue();
        assertThat(store.revokedUnexpired()).containsExactly(new StoredToken.Revocation(token.id(), token.expiresAt()));
        assertThat(store.list(false)).isEmpty();
        List<ServerAuditRecord> records = audit.list(0, 10);
        ServerAuditRecord last = records.get(records.size() - 1);
        assertThat(last.event().type()).isEqualTo(EventType.TOKEN_REVOKED);
        assertThat(last.event().details())
                .containsEntry("tokenId", token.id().toString())
                .containsEntry("engineer", "alice")
                .containsEntry("reason", "laptop lost");

        assertThatThrownBy(() -> store.revoke(token.id().toString(), "operator:root", null))
                .isInstanceOf(TokenException.class)
                .hasMessageContaining("revoked already");
        assertThatThrownBy(() -> store.revoke(UUID.randomUUID().toString(), "operator:root", null))
                .isInstanceOf(TokenException.class)
                .hasMessageContaining("no access token has the id");
        assertThatThrownBy(() -> store.revoke("not-a-uuid", "operator:root", null))
                .isInstanceOf(TokenException.class)
                .hasMessageContaining("is not a token id");
        assertThat(audit.list(0, 10)).hasSize(records.size()); // refusals change nothing

        clock.advance(Duration.ofHours(2));
        assertThat(store.revokedUnexpired()).isEmpty(); // expired: no need to tell appliances any more
    }
}
