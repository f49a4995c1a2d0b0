package dev.secureconnect.appliance.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.appliance.testing.Engineers;
import dev.secureconnect.appliance.testing.LoopbackService;
import dev.secureconnect.appliance.testing.SessionBench;
import dev.secureconnect.appliance.testing.TestServer;
import dev.secureconnect.crypto.token.AccessToken;
import dev.secureconnect.crypto.token.AccessTokenIssuer;
import dev.secureconnect.crypto.token.TokenKeyChain;
import dev.secureconnect.crypto.token.TokenKeySet;
import dev.secureconnect.crypto.token.TokenSigningKey;
import dev.secureconnect.events.EventType;
import dev.secureconnect.tunnel.link.LinkJson;
import dev.secureconnect.tunnel.link.LinkProtocol;
import dev.secureconnect.tunnel.link.StreamOpener;
import dev.secureconnect.tunnel.link.TokenKeysAnswer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /v1/token-keys} over a real TLS link from the test server: a rotated set signed by the pinned key is
 * installed and verifies tokens at once; a forged, unknown-key or replayed set is refused, audited, and the pinned set
 * stays.
 */
class TokenKeyPushTest {

    private static final String SERIAL = SessionBench.SERIAL;
    private static final String TICKET = SessionBench.TICKET;

    @TempDir
    Path work;

    private SessionBench bench;
    private LoopbackService service;
    private Engineers engineers;
    private final TokenSigningKey next = TokenSigningKey.generate();

    @BeforeEach
    void setUp() throws Exception {
        bench = SessionBench.start(work);
        engineers = bench.engineers;
        service = LoopbackService.echo();
        bench.appliance.ok("services add", "--name", "svc", "--port", Integer.toString(service.port()));
        bench.connect();
    }

    @AfterEach
    void tearDown() throws Exception {
        service.close();
        bench.close();
    }

    /** The first rotation, from the pinned key to {@link #next}, signed by the pinned key. */
    private TokenKeySet rotated() {
        Instant now = Instant.now();
        return TokenKeySet.of(engineers.key).rotatedTo(next, now.plus(AccessToken.MAX_LIFETIME), now);
    }

    private StreamOpener.Response push(TokenKeyChain chain) throws Exception {
        return StreamOpener.request(
                        bench.link.channel(),
                        "POST",
                        LinkProtocol.PATH_TOKEN_KEYS,
                        chain.toJson().getBytes(StandardCharsets.UTF_8),
                        Duration.ofSeconds(10))
                .get(10, TimeUnit.SECONDS);
    }

    private int relay(AccessTokenIssuer issuer) throws Exception {
        return TestServer.request(
                        bench.link,
                        Engineers.connect(
                                service.port(),
                                Engineers.credentials(
                                        Engineers.token(issuer, engineers.alice, SERIAL, TICKET, Duration.ofHours(1))
                                                .serialize(),
                                        TICKET,
                                        engineers.alice.certificate())),
                        "ping".getBytes(StandardCharsets.US_ASCII))
                .get(10, TimeUnit.SECONDS)
                .status();
    }

    @Test
    void aSetSignedByThePinnedKeyIsInstalledAndUsedAtOnce() throws Exception {
        AccessTokenIssuer newIssuer = new AccessTokenIssuer(next, "support.test", Clock.systemUTC());
        assertThat(relay(newIssuer)).as("before the push").isEqualTo(403);

        StreamOpener.Response response =
                push(TokenKeyChain.empty().append(rotated().signedBy(engineers.key)));

        assertThat(response.status()).as(response.reason()).isEqualTo(200);
        TokenKeysAnswer answer = LinkJson.decode(response.body(), TokenKeysAnswer.class);
        assertThat(answer.installed()).isTrue();
        assertThat(answer.generation()).isEqualTo(1);
        assertThat(answer.keyIds()).containsExactly(next.keyId(), engineers.key.keyId());
        assertThat(TokenKeySet.parse(Files.readString(bench.appliance.dir.resolve("token-keys.json")))
                        .generation())
                .isEqualTo(1);
        assertThat(bench.appliance.audit(EventType.TOKEN_KEY_INSTALLED))
                .singleElement()
                .satisfies(r -> {
                    assertThat(r.actor()).isEqualTo("server");
                    assertThat(r.details()).containsEntry("generation", 1);
                });
        assertThat(relay(newIssuer)).as("a token of the new key").isEqualTo(200);
        assertThat(relay(engineers.issuer)).as("a token of the previous key").isEqualTo(200);

        // the same chain again (the next link-up): nothing changes, nothing is recorded
        StreamOpener.Response again =
                push(TokenKeyChain.empty().append(rotated().signedBy(engineers.key)));
        assertThat(again.status()).isEqualTo(200);
        assertThat(LinkJson.decode(again.body(), TokenKeysAnswer.class).installed())
                .isFalse();
        assertThat(bench.appliance.audit(EventType.TOKEN_KEY_INSTALLED)).hasSize(1);
    }

    @Test
    void aSetSignedByAnUnknownKeyIsRefusedAndAudited() throws Exception {
        TokenSigningKey stranger = TokenSigningKey.generate();
        byte[] pinned = Files.readAllBytes(bench.appliance.dir.resolve("token-keys.json"));

        StreamOpener.Response response =
                push(TokenKeyChain.empty().append(rotated().signedBy(stranger)));

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.reason())
                .contains("is signed by key " + stranger.keyId())
                .contains("does not hold")
                .doesNotContain("\n");
        assertThat(Files.readAllBytes(bench.appliance.dir.resolve("token-keys.json")))
                .isEqualTo(pinned);
        assertThat(bench.appliance.audit(EventType.TOKEN_KEY_REFUSED))
                .singleElement()
                .satisfies(r -> {
                    assertThat(r.outcome()).isEqualTo("refused");
                    assertThat(r.reason()).isEqualTo(response.reason());
                });
    }

    @Test
    void aForgedSetIsRefused() throws Exception {
        String[] parts = rotated().signedBy(engineers.key).split("\\.");
        TokenKeySet theirs = TokenKeySet.of(engineers.key)
                .rotatedTo(TokenSigningKey.generate(), Instant.now().plusSeconds(60), Instant.now());
        String forged = parts[0] + "."
                + java.util.Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(theirs.toJson().getBytes(StandardCharsets.UTF_8))
                + "." + parts[2];

        StreamOpener.Response response = push(TokenKeyChain.empty().append(forged));

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.reason()).contains("altered or forged");
    }

    @Test
    void aReplayedOlderSetIsRefused() throws Exception {
        String first = rotated().signedBy(engineers.key);
        TokenSigningKey third = TokenSigningKey.generate();
        TokenKeySet second = TokenKeySet.parse(rotated().toJson())
                .rotatedTo(third, Instant.now().plus(AccessToken.MAX_LIFETIME), Instant.now());
        assertThat(push(TokenKeyChain.empty().append(first).append(second.signedBy(next)))
                        .status())
                .isEqualTo(200);

        StreamOpener.Response replay = push(TokenKeyChain.empty().append(first));

        assertThat(replay.status()).isEqualTo(403);
        assertThat(replay.reason()).contains("older than the trusted generation 2");
        assertThat(TokenKeySet.parse(Files.readString(bench.appliance.dir.resolve("token-keys.json")))
                        .currentKeyId())
                .isEqualTo(third.keyId());
    }

    @Test
    void aBodyThatIsNoChainIsRefused() throws Exception {
        StreamOpener.Response response = StreamOpener.request(
                        bench.link.channel(),
                        "POST",
                        LinkProtocol.PATH_TOKEN_KEYS,
                        "{\"chain\": \"x\"}".getBytes(StandardCharsets.UTF_8),
                        Duration.ofSeconds(10))
                .get(10, TimeUnit.SECONDS);

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.reason()).contains("no \"chain\" array");
    }
}
