package dev.secureconnect.appliance.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.appliance.audit.ApplianceAuditRecord;
import dev.secureconnect.appliance.testing.ApplianceCli;
import dev.secureconnect.appliance.testing.Engineers;
import dev.secureconnect.appliance.testing.LoopbackService;
import dev.secureconnect.appliance.testing.SessionBench;
import dev.secureconnect.appliance.testing.TestServer;
import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.crypto.token.AccessTokenIssuer;
import dev.secureconnect.crypto.token.SignedAccessToken;
import dev.secureconnect.events.EventType;
import dev.secureconnect.testing.Eventually;
import dev.secureconnect.tunnel.link.SessionCredentials;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The appliance's own token check on session requests, over a real TLS link from the test server: a good token
 * relays, every bad one is refused with its reason, audited, and the local service never sees a connection.
 */
class SessionAccessTest {

    private static final String SERIAL = SessionBench.SERIAL;
    private static final String TICKET = SessionBench.TICKET;

    @TempDir
    Path work;

    private SessionBench bench;
    private LoopbackService service;
    private Engineers engineers;

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

    @Test
    void aValidTokenIsRelayedAndTheSessionAuditedWithTheEngineer() throws Exception {
        SessionCredentials credentials = engineers.credentials(engineers.alice, SERIAL, TICKET);
        TestServer.Response response = TestServer.request(
                        bench.link,
                        Engineers.connect(service.port(), credentials),
                        "ping".getBytes(StandardCharsets.US_ASCII))
                .get(10, TimeUnit.SECONDS);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.text()).isEqualTo("ping");
        assertThat(service.accepted()).isEqualTo(1);
        ApplianceAuditRecord opened =
                bench.appliance.audit(EventType.STREAM_OPENED).get(0);
        assertThat(opened.actor()).isEqualTo("alice");
        assertThat(opened.session()).isEqualTo(credentials.sessionId());
        assertThat(opened.details()).containsEntry("kind", "connect").containsKey("tokenId");
        Eventually.await("stream.closed", () -> bench.appliance.audit(EventType.STREAM_CLOSED), r -> r.size() == 1);
    }

    @Test
    void anOpenSessionNamesTheEngineerByLoginAndByTheNameInTheCertificate() throws Exception {
        String name = "<script>alert(1)</script> Mallory O'Brien";
        TestPki.Issued mallory = TestPki.shared()
                .issue(dev.secureconnect.crypto.pki.CertificateIdentity.engineer(
                        "mallory", name, "mallory@example.com"));
        SessionCredentials credentials = engineers.credentials(mallory, SERIAL, TICKET);
        Http2StreamChannel open =
                TestServer.open(bench.link, Engineers.connect(service.port(), credentials))
                        .get(10, TimeUnit.SECONDS)
                        .stream();
        try {
            List<dev.secureconnect.appliance.link.OpenSession> sessions = Eventually.await(
                    "the open session",
                    () -> bench.appliance.daemon().supervisor().sessions(),
                    l -> l.size() == 1);
            assertThat(sessions.get(0).engineer()).isEqualTo("mallory");
            assertThat(sessions.get(0).engineerName()).isEqualTo(name);
            assertThat(sessions.get(0).id()).isEqualTo(credentials.sessionId());
        } finally {
            open.close();
        }
    }

    @Test
    void aTokenForAnotherApplianceIsRefused() throws Exception {
        assertRefused(
                engineers.credentials(engineers.alice, "SN-OTHER", TICKET),
                "access token refused: it is for appliance SN-OTHER, not " + SERIAL,
                EventType.TOKEN_REFUSED,
                "wrong-audience");
    }

    @Test
    void anExpiredTokenIsRefused() throws Exception {
        AccessTokenIssuer yesterday = new AccessTokenIssuer(
                engineers.key, "support.test", Clock.offset(Clock.systemUTC(), Duration.ofHours(-3)));
        SignedAccessToken token = Engineers.token(yesterday, engineers.alice, SERIAL, TICKET, Duration.ofHours(1));
        assertRefused(
                Engineers.credentials(token.serialize(), TICKET, engineers.alice.certificate()),
                "access token refused: it expired at " + token.claims().expiresAt() + "; ask for a new one",
                EventType.TOKEN_REFUSED,
                "expired");
    }

    @Test
    void aRevokedTokenIsRefusedAndItsOpenSessionClosedAtOnce() throws Exception {
        SignedAccessToken token = engineers.token(engineers.alice, SERIAL, TICKET);
        SessionCredentials credentials =
                Engineers.credentials(token.serialize(), TICKET, engineers.alice.certificate());
        Http2StreamChannel open =
                TestServer.open(bench.link, Engineers.connect(service.port(), credentials))
                        .get(10, TimeUnit.SECONDS)
                        .stream();

        String push = "{\"revoked\":[{\"id\":\"" + token.claims().id() + "\",\"expiresAt\":\""
                + token.claims().expiresAt()
                + "\"},{\"id\":\"00000000-0000-4000-8000-000000000001\",\"expiresAt\":\"2000-01-01T00:00:00Z\"}]}";
        assertThat(TestServer.revoke(bench.link, push.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(200);
        assertThat(open.closeFuture().await(5, TimeUnit.SECONDS))
                .as("the session on the revoked token closed")
                .isTrue();
        assertThat(Files.readString(bench.appliance.dir.resolve("revoked-tokens.json")))
                .contains(token.claims().id().toString())
                .doesNotContain("00000000-0000-4000-8000-000000000001");
        assertThat(bench.appliance.audit(EventType.REVOCATIONS_RECEIVED))
                .singleElement()
                .satisfies(
                        r -> assertThat(r.details()).containsEntry("count", 2).containsEntry("kept", 1));
        ApplianceAuditRecord closed = Eventually.await(
                        "stream.closed", () -> bench.appliance.audit(EventType.STREAM_CLOSED), r -> r.size() == 1)
                .get(0);
        assertThat(closed.reason()).isEqualTo("its access token was revoked");

        int before = service.accepted();
        assertRefused(
                Engineers.credentials(token.serialize(), TICKET, engineers.alice.certificate()),
                "access token refused: token " + token.claims().id() + " has been revoked",
                EventType.TOKEN_REFUSED,
                "revoked",
                before);

        // persisted: a restarted daemon still refuses it
        bench.appliance.stop();
        bench.appliance.start();
        bench.connect();
        assertRefused(
                Engineers.credentials(token.serialize(), TICKET, engineers.alice.certificate()),
                "access token refused: token " + token.claims().id() + " has been revoked",
                EventType.TOKEN_REFUSED,
                "revoked",
                before);
    }

    @Test
    void aTamperedTokenIsRefused() throws Exception {
        String token = engineers.token(engineers.alice, SERIAL, TICKET).serialize();
        int at = token.lastIndexOf('.') + 5;
        String tampered = token.substring(0, at) + (token.charAt(at) == 'A' ? 'B' : 'A') + token.substring(at + 1);
        assertRefused(
                Engineers.credentials(tampered, TICKET, engineers.alice.certificate()),
                "access token refused: its signature does not verify with key " + engineers.key.keyId()
                        + " (altered or forged)",
                EventType.TOKEN_REFUSED,
                "bad-signature");
    }

    @Test
    void aTokenPresentedWithAnotherEngineersCertificateIsMisuse() throws Exception {
        String token = engineers.token(engineers.alice, SERIAL, TICKET).serialize();
        assertRefused(
                Engineers.credentials(token, TICKET, engineers.bob.certificate()),
                "access token refused: it was issued to engineer alice's certificate, not to the certificate presented",
                EventType.TOKEN_MISUSED,
                "wrong-holder");
    }

    @Test
    void aCertificateFromAForeignCaIsRefused() throws Exception {
        TestPki.Issued mallory = TestPki.shared().untrusted(TestPki.engineerIdentity("mallory"));
        String token = engineers.token(mallory, SERIAL, TICKET).serialize();
        TestServer.Response response = refusedWith(Engineers.credentials(token, TICKET, mallory.certificate()));
        assertThat(response.reason())
                .startsWith("the certificate of engineer mallory")
                .contains("is not trusted by this appliance");
        assertAudited(EventType.TOKEN_REFUSED, "bad-certificate", response.reason());
    }

    @Test
    void aServerOrApplianceCertificateIsNotAnEngineer() throws Exception {
        TestPki.Issued server = TestPki.shared().server();
        String token = engineers.token(engineers.alice, SERIAL, TICKET).serialize();
        TestServer.Response response = refusedWith(Engineers.credentials(token, TICKET, server.certificate()));
        assertThat(response.reason()).endsWith(", not an engineer certificate");
    }

    @Test
    void aTicketTheAdminDidNotConnectIsRefused() throws Exception {
        assertRefused(
                engineers.credentials(engineers.alice, SERIAL, "99999999"),
                "access token refused: ticket 99999999 is not open and accepted for appliance " + SERIAL,
                EventType.TOKEN_REFUSED,
                "ticket-not-accepted");
        // and once the admin disconnects it, the connected ticket's token stops working too
        bench.appliance.ok("connect", "--ticket", "87654321", "--wait", "10s");
        bench.appliance.ok("disconnect", "--ticket", TICKET);
        TestServer.Response response = refusedWith(engineers.credentials(engineers.alice, SERIAL, TICKET));
        assertThat(response.reason())
                .isEqualTo(
                        "access token refused: ticket " + TICKET + " is not open and accepted for appliance " + SERIAL);
    }

    @Test
    void aRequestNamingAnotherTicketThanItsTokenIsRefused() throws Exception {
        String token = engineers.token(engineers.alice, SERIAL, TICKET).serialize();
        assertRefused(
                new SessionCredentials(
                        "s-x", "87654321", token, "alice", Engineers.base64(engineers.alice.certificate())),
                "access token refused: it is for ticket " + TICKET + ", the request names ticket 87654321",
                EventType.TOKEN_REFUSED,
                "ticket-mismatch");
    }

    @Test
    void noTokenIsRefused() throws Exception {
        assertRefused(
                new SessionCredentials("s-none", TICKET, "", "alice", Engineers.base64(engineers.alice.certificate())),
                "access token refused: no token was presented",
                EventType.TOKEN_REFUSED,
                "malformed");
    }

    @Test
    void withoutAPinnedTokenKeyEverySessionIsRefused() throws Exception {
        try (SessionBench bare = SessionBench.withoutTokenKey(work.resolve("bare"))) {
            bare.connect();
            SessionCredentials credentials = engineers.credentials(engineers.alice, SERIAL, TICKET);
            TestServer.Response response = TestServer.request(
                            bare.link, Engineers.connect(service.port(), credentials), new byte[0])
                    .get(10, TimeUnit.SECONDS);
            assertThat(response.status()).isEqualTo(403);
            assertThat(response.reason())
                    .isEqualTo("no token key on this appliance: run sc-appliance token-key --dir " + bare.appliance.dir
                            + " --file F");
            assertThat(service.accepted()).isZero();
            assertThat(bare.appliance.audit(EventType.TOKEN_REFUSED))
                    .singleElement()
                    .satisfies(r -> assertThat(r.details()).containsEntry("label", "no-token-key"));
            assertThat(bare.appliance.audit(EventType.STREAM_REFUSED)).hasSize(1);
            assertThat(bare.appliance.ok("status").out())
                    .contains("token key:     none: every support session is refused");
        }
    }

    private TestServer.Response refusedWith(SessionCredentials credentials) throws Exception {
        TestServer.Response response = TestServer.request(
                        bench.link, Engineers.connect(service.port(), credentials), new byte[0])
                .get(10, TimeUnit.SECONDS);
        assertThat(response.status()).as("refused: %s", response.reason()).isEqualTo(403);
        assertThat(service.accepted())
                .as("connections that reached the service")
                .isZero();
        return response;
    }

    private void assertRefused(SessionCredentials credentials, String reason, EventType event, String label)
            throws Exception {
        assertRefused(credentials, reason, event, label, 0);
    }

    private void assertRefused(
            SessionCredentials credentials, String reason, EventType event, String label, int acceptedBefore)
            throws Exception {
        TestServer.Response response = TestServer.request(
                        bench.link, Engineers.connect(service.port(), credentials), new byte[0])
                .get(10, TimeUnit.SECONDS);
        assertThat(response.status()).isEqualTo(403);
        assertThat(response.reason()).isEqualTo(reason);
        assertThat(service.accepted())
                .as("connections that reached the service")
                .isEqualTo(acceptedBefore);
        assertAudited(event, label, reason);
        List<ApplianceAuditRecord> refused = bench.appliance.audit(EventType.STREAM_REFUSED);
        assertThat(refused.get(refused.size() - 1)).satisfies(r -> {
            assertThat(r.session()).isEqualTo(credentials.sessionId());
            assertThat(r.reason()).isEqualTo(reason);
            assertThat(r.outcome()).isEqualTo("refused");
        });
        assertThat(ApplianceCli.ok("audit", "verify", "--dir", bench.appliance.dir.toString())
                        .out())
                .contains("intact");
    }

    private void assertAudited(EventType event, String label, String reason) {
        List<ApplianceAuditRecord> records = bench.appliance.audit(event);
        assertThat(records).isNotEmpty();
        ApplianceAuditRecord last = records.get(records.size() - 1);
        assertThat(last.details()).containsEntry("label", label).containsEntry("kind", "connect");
        assertThat(last.reason()).isEqualTo(reason);
        assertThat(last.outcome()).isEqualTo("refused");
    }
}
