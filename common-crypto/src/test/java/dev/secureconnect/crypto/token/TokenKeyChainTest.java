package dev.secureconnect.crypto.token;

import static dev.secureconnect.crypto.token.TokenFixtures.SERIAL;
import static dev.secureconnect.crypto.token.TokenFixtures.T0;
import static dev.secureconnect.crypto.token.TokenFixtures.TICKET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.token.TokenRefusedException.Reason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Signing rotated key sets and following them from a trusted one, as an appliance does with what the server sends. */
class TokenKeyChainTest {

    static final Duration RETIRE_AFTER = AccessToken.MAX_LIFETIME.plus(AccessTokenVerifier.MAX_CLOCK_SKEW);

    /** Keys k0..kN and the chain of N rotations between them, as the server makes it. */
    record Rotations(List<TokenSigningKey> keys, List<TokenKeySet> sets, TokenKeyChain chain) {
        static Rotations of(int rotations) {
            List<TokenSigningKey> keys = new ArrayList<>(List.of(TokenSigningKey.generate()));
            List<TokenKeySet> sets = new ArrayList<>(List.of(TokenKeySet.of(keys.get(0))));
            TokenKeyChain chain = TokenKeyChain.empty();
            for (int i = 1; i <= rotations; i++) {
                TokenSigningKey next = TokenSigningKey.generate();
                Instant at = T0.plus(Duration.ofHours(i));
                TokenKeySet set = sets.get(i - 1).rotatedTo(next, at.plus(RETIRE_AFTER), at);
                chain = chain.append(set.signedBy(keys.get(i - 1)));
                keys.add(next);
                sets.add(set);
            }
            return new Rotations(keys, sets, chain);
        }
    }

    @Test
    void aRotatedSetSignedByThePinnedKeyIsAccepted() {
        Rotations r = Rotations.of(1);

        TokenKeyChain.Followed followed = r.chain().follow(r.sets().get(0), T0.plus(Duration.ofHours(2)));

        assertThat(followed.changed()).isTrue();
        assertThat(followed.set().generation()).isEqualTo(1);
        assertThat(followed.set().currentKeyId()).isEqualTo(r.keys().get(1).keyId());
        assertThat(followed.set().keyIds())
                .containsExactly(r.keys().get(1).keyId(), r.keys().get(0).keyId());
        assertThat(followed.signedBy()).containsExactly(r.keys().get(0).keyId());
        assertThat(followed.set().retiredAt(r.keys().get(0).keyId()))
                .contains(T0.plus(Duration.ofHours(1)).plus(RETIRE_AFTER));
    }

    @Test
    void anApplianceThatMissedSeveralRotationsFollowsTheChain() {
        Rotations r = Rotations.of(3);

        TokenKeyChain.Followed followed = r.chain().follow(r.sets().get(0), T0.plus(Duration.ofHours(4)));

        assertThat(followed.set().generation()).isEqualTo(3);
        assertThat(followed.set().currentKeyId()).isEqualTo(r.keys().get(3).keyId());
        assertThat(followed.signedBy())
                .containsExactly(
                        r.keys().get(0).keyId(),
                        r.keys().get(1).keyId(),
                        r.keys().get(2).keyId());
        // one that knew generation 2 takes the last step only
        assertThat(r.chain()
                        .follow(r.sets().get(2), T0.plus(Duration.ofHours(4)))
                        .signedBy())
                .containsExactly(r.keys().get(2).keyId());
    }

    @Test
    void theCurrentSetIsUnchanged() {
        Rotations r = Rotations.of(2);

        TokenKeyChain.Followed followed = r.chain().follow(r.sets().get(2), T0.plus(Duration.ofHours(3)));

        assertThat(followed.changed()).isFalse();
        assertThat(followed.set()).isSameAs(r.sets().get(2));
    }

    @Test
    void aSetSignedByAnUnknownKeyIsRefused() {
        Rotations r = Rotations.of(1);
        TokenSigningKey stranger = TokenSigningKey.generate();
        TokenKeySet theirs = r.sets().get(0).rotatedTo(stranger, T0.plus(RETIRE_AFTER), T0);
        TokenKeyChain chain = TokenKeyChain.empty().append(theirs.signedBy(stranger));

        assertThatThrownBy(() -> chain.follow(r.sets().get(0), T0))
                .isInstanceOf(CryptoException.class)
                .hasMessageContaining("is signed by key " + stranger.keyId() + ", which the trusted set (generation 0)"
                        + " does not hold")
                .hasMessageContaining("sc-appliance token-key")
                .hasMessageNotContaining("\n");
    }

    @Test
    void aForgedSetIsRefused() {
        Rotations r = Rotations.of(1);
        String[] parts = r.chain().links().get(0).split("\\.");
        // the attacker's key put in the payload, the trusted key's kid and signature kept
        TokenKeySet forgedSet = r.sets().get(0).rotatedTo(TokenSigningKey.generate(), T0.plus(RETIRE_AFTER), T0);
        String forged = parts[0] + "."
                + Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(forgedSet.toJson().getBytes()) + "."
                + parts[2];

        assertThatThrownBy(() ->
                        TokenKeyChain.empty().append(forged).follow(r.sets().get(0), T0))
                .isInstanceOf(CryptoException.class)
                .hasMessageContaining(
                        "signature does not verify with key " + r.keys().get(0).keyId())
                .hasMessageContaining("forged");
    }

    @Test
    void aReplayedOlderSetIsRefused() {
        Rotations r = Rotations.of(2);
        TokenKeyChain older = TokenKeyChain.empty().append(r.chain().links().get(0));

        assertThatThrownBy(() -> older.follow(r.sets().get(2), T0.plus(Duration.ofHours(3))))
                .isInstanceOf(CryptoException.class)
                .hasMessageContaining("generation 1, older than the trusted generation 2");
    }

    @Test
    void aSetSignedByARetiredKeyIsRefused() {
        Rotations r = Rotations.of(1);
        TokenSigningKey k0 = r.keys().get(0);
        // generation 1 retires k0; a generation 2 signed by k0 (not by the current k1) after it retired
        TokenKeySet late = r.sets().get(1).rotatedTo(TokenSigningKey.generate(), T0.plus(Duration.ofDays(365)), T0);
        Instant afterRetirement =
                T0.plus(Duration.ofHours(1)).plus(RETIRE_AFTER).plusSeconds(1);

        assertThatThrownBy(() -> TokenKeyChain.empty()
                        .append(late.signedBy(k0))
                        .follow(r.sets().get(1), afterRetirement))
                .hasMessageContaining("holds retired");
    }

    @Test
    void rotationsRetireKeysAndKeepTheSetBounded() {
        Rotations r = Rotations.of(TokenKeySet.MAX_KEYS + 2);
        TokenKeySet last = r.sets().get(r.sets().size() - 1);

        assertThat(last.keyIds()).hasSize(TokenKeySet.MAX_KEYS);
        assertThat(last.keyIds().get(0))
                .isEqualTo(r.keys().get(r.keys().size() - 1).keyId());
        assertThat(r.chain().links()).hasSize(Math.min(TokenKeyChain.MAX_LINKS, TokenKeySet.MAX_KEYS + 2));

        // a week and more later, the next rotation leaves out every key retired by then
        Instant muchLater = T0.plus(Duration.ofDays(30));
        TokenKeySet next = last.rotatedTo(TokenSigningKey.generate(), muchLater.plus(RETIRE_AFTER), muchLater);
        assertThat(next.keyIds()).hasSize(2);
    }

    @Test
    void aTokenOfTheOldKeyVerifiesUntilTheKeyRetires() {
        Rotations r = Rotations.of(1);
        String oldToken = new AccessTokenIssuer(r.keys().get(0), TokenFixtures.ISSUER, TokenFixtures.at(T0))
                .issue(TokenFixtures.shared().alice.certificate(), SERIAL, TICKET, AccessToken.MAX_LIFETIME, "r")
                .serialize();
        String retiredAtText = r.sets().get(1).toJson();
        Instant retiredAt = T0.plus(Duration.ofHours(1)).plus(RETIRE_AFTER);

        assertThat(verifier(retiredAtText, T0.plus(Duration.ofHours(2)))
                        .verify(oldToken, SERIAL, TokenFixtures.shared().alice.certificate(), TICKET::equals)
                        .ticket())
                .isEqualTo(TICKET);
        TokenRefusedException refusal =
                org.assertj.core.api.Assertions.catchThrowableOfType(TokenRefusedException.class, () -> verifier(
                                retiredAtText, retiredAt.plus(AccessTokenVerifier.DEFAULT_CLOCK_SKEW))
                        .verify(oldToken, SERIAL, TokenFixtures.shared().alice.certificate(), TICKET::equals));
        assertThat(refusal.reason()).isEqualTo(Reason.UNKNOWN_KEY);
        assertThat(refusal.getMessage()).contains("retired at " + retiredAt);
    }

    @Test
    void theJsonFormsRoundTrip() {
        Rotations r = Rotations.of(2);

        assertThat(TokenKeyChain.parse(r.chain().toJson()).links())
                .isEqualTo(r.chain().links());
        assertThat(TokenKeySet.parse(r.sets().get(2).toJson()).generation()).isEqualTo(2);
        assertThat(TokenKeySet.parse(TokenSigningKey.generate().publicJwkSet()).generation())
                .isZero();
        assertThat(r.chain().latest())
                .hasValueSatisfying(set -> assertThat(set.generation()).isEqualTo(2));
    }

    @Test
    void badJsonIsRefusedInOneLine() {
        assertThatThrownBy(() -> TokenKeyChain.parse("{\"chain\": 3}")).hasMessageContaining("no \"chain\" array");
        assertThatThrownBy(() -> TokenKeyChain.parse("[")).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> TokenKeyChain.parse("{\"chain\": [\"x.y\"]}")
                        .follow(TokenKeySet.of(TokenSigningKey.generate()), T0))
                .hasMessageContaining("not a compact JWS");
        String key = TokenSigningKey.generate().publicJwkSet().replace("{\"keys\"", "{\"generation\":-1,\"keys\"");
        assertThatThrownBy(() -> TokenKeySet.parse(key)).hasMessageContaining("generation");
    }

    private static AccessTokenVerifier verifier(String set, Instant now) {
        return AccessTokenVerifier.builder()
                .trustJwkSet(set)
                .clock(TokenFixtures.at(now))
                .revoked(id -> false)
                .build();
    }
}
