package dev.secureconnect.appliance.link;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.appliance.audit.ApplianceAuditRecord;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.appliance.testing.ApplianceCli;
import dev.secureconnect.appliance.testing.ApplianceUnderTest;
import dev.secureconnect.appliance.testing.Engineers;
import dev.secureconnect.appliance.testing.LoopbackService;
import dev.secureconnect.appliance.testing.TestServer;
import dev.secureconnect.events.EventType;
import dev.secureconnect.testing.Eventually;
import dev.secureconnect.tunnel.link.Admission;
import dev.secureconnect.tunnel.link.Hello;
import dev.secureconnect.tunnel.link.LinkException;
import dev.secureconnect.tunnel.link.LinkProtocol;
import dev.secureconnect.tunnel.link.ServiceEntry;
import dev.secureconnect.tunnel.link.SessionCredentials;
import dev.secureconnect.tunnel.link.StreamRequest;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The appliance daemon against a minimal support server made of tunnel-protocol parts, over real TLS on 127.0.0.1:
 * hello and admission, session streams and the stream policy, the kill switch, reconnection.
 */
class ApplianceLinkTest {

    private static final String TICKET = "12345678";

    @TempDir
    Path work;

    private TestServer server;
    private LoopbackService echo;
    private ApplianceUnderTest appliance;
    private final Engineers engineers = new Engineers();

    @BeforeEach
    void setUp() throws Exception {
        server = TestServer.start(work);
        echo = LoopbackService.echo();
        appliance = ApplianceUnderTest.init(work, server.address()).start();
        appliance.ok(
                "token-key",
                "--file",
                engineers.writePublicKeySet(work.resolve("server-keys")).toString());
        appliance.ok("enable");
        appliance.ok("services add", "--name", "echo", "--port", Integer.toString(echo.port()));
    }

    @AfterEach
    void tearDown() throws Exception {
        appliance.close();
        echo.close();
        server.close();
    }

    @Test
    void helloCarriesTheTicketsAndServicesAndFollowsTheirChanges() throws Exception {
        appliance.ok("connect", "--ticket", TICKET);
        TestServer.ServerLink link = server.awaitLink();
        assertThat(link.applianceSerial()).isEqualTo(ApplianceUnderTest.SERIAL);
        Hello hello = server.awaitHello();
        assertThat(hello.serial()).isEqualTo(ApplianceUnderTest.SERIAL);
        assertThat(hello.protocolVersion()).isEqualTo(LinkProtocol.VERSION);
        assertThat(hello.tickets()).containsExactly(TICKET);
        assertThat(hello.services()).containsExactly(new ServiceEntry("echo", echo.port()));
        ApplianceStatus status = awaitTicket(TICKET, "accepted");
        assertThat(status.link().state()).isEqualTo("connected");
        assertThat(status.link().serverIdentity()).isEqualTo("server localhost,127.0.0.1");

        appliance.ok("services add", "--name", "web", "--port", "8443");
        assertThat(server.awaitHello().services())
                .containsExactly(new ServiceEntry("echo", echo.port()), new ServiceEntry("web", 8443));
        appliance.ok("connect", "--ticket", "87654321");
        assertThat(server.awaitHello().tickets()).containsExactly(TICKET, "87654321");
        appliance.ok("disconnect", "--ticket", TICKET);
        assertThat(server.awaitHello().tickets()).containsExactly("87654321");
        appliance.ok("services remove", "--name", "web");
        assertThat(server.awaitHello().services()).containsExactly(new ServiceEntry("echo", echo.port()));
        assertThat(link.channel().isActive()).as("all of it on the one link").isTrue();

        assertThat(appliance.audit(EventType.LINK_UP)).singleElement().satisfies(r -> assertThat(r.target())
                .isEqualTo(server.address()));
        assertThat(appliance.audit(EventType.TICKET_CONNECTED))
                .extracting(ApplianceAuditRecord::ticket)
                .containsExactly(TICKET, "87654321");
        assertThat(appliance.audit(EventType.SERVICE_ALLOWED))
                .extracting(ApplianceAuditRecord::actor)
                .containsOnly(ApplianceCli.USER);
    }

    @Test
    void theHelloCarriesTheLatestSignedCheckpointOfTheAuditLog() throws Exception {
        appliance.stop();
        ApplianceDirectory.open(appliance.dir)
                .updateConfig(c -> new dev.secureconnect.appliance.config.ApplianceConfig(
                        c.server(),
                        c.keepAlive(),
                        c.backoff(),
                        c.timeouts(),
                        c.streams(),
                        c.services(),
                        c.files(),
                        c.tls(),
                        new dev.secureconnect.appliance.config.ApplianceConfig.Audit(
                                1L, java.time.Duration.ofMinutes(1))));
        appliance.start();
        appliance.ok("connect", "--ticket", TICKET);
        server.awaitLink();
        Hello hello = server.awaitHello();
        for (int i = 0; i < 20 && hello.auditCheckpoint().isEmpty(); i++) {
            hello = server.awaitHello();
        }
        dev.secureconnect.crypto.chain.ChainCheckpoint checkpoint =
                dev.secureconnect.crypto.chain.ChainCheckpoint.verified(
                        hello.auditCheckpoint(),
                        dev.secureconnect.crypto.pem.Pem.readCertificates(appliance.dir.resolve("tls/cert.pem"))
                                .get(0)
                                .getPublicKey());
        assertThat(checkpoint.serial()).isEqualTo(ApplianceUnderTest.SERIAL);
        List<ApplianceAuditRecord> records = appliance.audit();
        assertThat(checkpoint.seq()).isBetween(1L, (long) records.size());
        assertThat(checkpoint.hash())
                .isEqualTo(records.get((int) checkpoint.seq() - 1).hash());
    }

    @Test
    void connectWaitReportsTheServersVerdict() {
        ApplianceCli.Result accepted = appliance.ok("connect", "--ticket", TICKET, "--wait", "10s");
        assertThat(accepted.out())
                .isEqualTo("ticket " + TICKET + " accepted by the server at " + server.address() + "\n");
        server.verdicts = ticket -> ticket.equals(TICKET)
                ? Admission.Verdict.accept(ticket)
                : Admission.Verdict.refuse(ticket, "unknown ticket");
        ApplianceCli.Result refused = appliance.run("connect", "--ticket", "87654321", "--wait", "10s");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.error())
                .isEqualTo("ticket 87654321 refused by the server at " + server.address() + ": unknown ticket");
        // the accepted ticket keeps the link up
        assertThat(appliance.status().link().state()).isEqualTo("connected");
    }

    @Test
    void aRefusedTicketIsShownWithTheReasonAndNotRetriedUntilTheAdminActs() throws Exception {
        server.verdicts = ticket -> Admission.Verdict.refuse(ticket, "ticket closed");
        appliance.ok("connect", "--ticket", TICKET);
        TestServer.ServerLink first = server.awaitLink();
        ApplianceStatus refused = appliance.awaitState("refused");
        assertThat(refused.link().reason()).isEqualTo("ticket " + TICKET + ": ticket closed");
        assertThat(refused.connections()).singleElement().satisfies(row -> {
            assertThat(row.status()).isEqualTo("refused");
            assertThat(row.reason()).isEqualTo("ticket closed");
        });
        assertThat(first.channel().closeFuture().await(5, TimeUnit.SECONDS))
                .as("the link is closed")
                .isTrue();
        assertThat(appliance.ok("status").out())
                .contains("link:          refused: ticket " + TICKET
                        + ": ticket closed (not retried until you connect a ticket again)");
        assertThat(appliance.audit(EventType.TICKET_REFUSED)).singleElement().satisfies(r -> {
            assertThat(r.ticket()).isEqualTo(TICKET);
            assertThat(r.outcome()).isEqualTo("refused");
            assertThat(r.reason()).isEqualTo("ticket closed");
        });
        assertThat(appliance.audit(EventType.LINK_REFUSED)).hasSize(1);
        assertThat(server.links.poll(1, TimeUnit.SECONDS))
                .as("no new link while the only ticket is refused")
                .isNull();

        // the refusal is persisted: a restarted daemon does not offer the ticket either
        appliance.stop();
        appliance.start();
        assertThat(appliance.status().link().state()).isEqualTo("refused");
        assertThat(server.links.poll(500, TimeUnit.MILLISECONDS)).isNull();

        // the admin acts: connecting it again offers it again
        server.verdicts = Admission.Verdict::accept;
        appliance.ok("connect", "--ticket", TICKET);
        server.awaitLink();
        awaitTicket(TICKET, "accepted");
    }

    @Test
    void aStreamToAnAllowListedLoopbackServiceIsRelayedAndAudited() throws Exception {
        TestServer.ServerLink link = connected();
        Http2StreamChannel stream =
                open(link, StreamRequest.loopback(echo.port(), "s-1", TICKET)).get(10, TimeUnit.SECONDS);
        Eventually.await(
                "one active session",
                appliance::status,
                s -> s.connections().get(0).activeSessions() == 1);

        byte[] payload = new byte[1 << 20];
        new Random(7).nextBytes(payload);
        byte[] back = TestServer.exchange(stream, payload).get(20, TimeUnit.SECONDS);
        assertThat(back).isEqualTo(payload);

        ApplianceAuditRecord closed = Eventually.await(
                        "stream.closed in the audit log",
                        () -> appliance.audit(EventType.STREAM_CLOSED),
                        records -> records.size() == 1)
                .get(0);
        assertThat(closed.session()).isEqualTo("s-1");
        assertThat(closed.ticket()).isEqualTo(TICKET);
        assertThat(closed.target()).isEqualTo("127.0.0.1:" + echo.port());
        assertThat(closed.bytesToService()).isEqualTo(payload.length);
        assertThat(closed.bytesFromService()).isEqualTo(payload.length);
        assertThat(appliance.audit(EventType.STREAM_OPENED)).singleElement().satisfies(r -> {
            assertThat(r.session()).isEqualTo("s-1");
            assertThat(r.reason()).isEqualTo("service echo");
        });
        Eventually.await(
                "no active session",
                appliance::status,
                s -> s.connections().get(0).activeSessions() == 0);
        assertThat(ApplianceCli.ok("audit", "verify", "--dir", appliance.dir.toString())
                        .out())
                .contains("is intact");
    }

    @Test
    void refusedTargetsAreAnswered403AndNeverDialled() throws Exception {
        TestServer.ServerLink link = connected();
        try (LoopbackService notAllowed = LoopbackService.counting()) {
            assertRefused(
                    link,
                    StreamRequest.loopback(notAllowed.port(), "s-port", TICKET),
                    "port " + notAllowed.port() + " is not allow-listed on this appliance");
            assertRefused(
                    link,
                    new StreamRequest("10.0.0.1", echo.port(), "s-host", TICKET, ""),
                    "host 10.0.0.1 is not this appliance's loopback address: streams may only reach 127.0.0.1 or ::1");
            assertRefused(
                    link,
                    new StreamRequest("localhost", echo.port(), "s-name", TICKET, ""),
                    "host localhost is not this appliance's loopback address: streams may only reach 127.0.0.1 or ::1");
            assertRefused(
                    link,
                    StreamRequest.loopback(echo.port(), "s-ticket", "99999999"),
                    "access token refused: ticket 99999999 is not open and accepted for appliance "
                            + ApplianceUnderTest.SERIAL);
            assertThat(notAllowed.accepted())
                    .as("connections to the port that is not allow-listed")
                    .isZero();
            assertThat(echo.accepted())
                    .as("connections to the echo service for refused streams")
                    .isZero();
        }
        List<ApplianceAuditRecord> refusals = appliance.audit(EventType.STREAM_REFUSED);
        assertThat(refusals)
                .extracting(ApplianceAuditRecord::session)
                .containsExactly("s-port", "s-host", "s-name", "s-ticket");
        assertThat(refusals).allSatisfy(r -> assertThat(r.outcome()).isEqualTo("refused"));
        assertThat(refusals.get(1).target()).isEqualTo("10.0.0.1:" + echo.port());
        assertThat(refusals.get(1).reason()).startsWith("host 10.0.0.1 is not");
        assertThat(link.channel().isActive())
                .as("a refused stream leaves the link up")
                .isTrue();
    }

    @Test
    void aServiceThatIsDownIsAnswered502() throws Exception {
        int closedPort;
        try (ServerSocket unused = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = unused.getLocalPort();
        }
        appliance.ok("services add", "--name", "down", "--port", Integer.toString(closedPort));
        TestServer.ServerLink link = connected();
        assertRefused(
                link,
                StreamRequest.loopback(closedPort, "s-down", TICKET),
                "service down on port " + closedPort + " is not running");
        assertThat(appliance.audit(EventType.STREAM_REFUSED)).singleElement().satisfies(r -> assertThat(r.outcome())
                .isEqualTo("failure"));
    }

    @Test
    void disableClosesTheLinkAndStreamsAtOnceAndStaysDisabledAcrossARestart() throws Exception {
        TestServer.ServerLink link = connected();
        Http2StreamChannel stream = open(link, StreamRequest.loopback(echo.port(), "s-open", TICKET))
                .get(10, TimeUnit.SECONDS);
        Eventually.await(
                "one active session",
                appliance::status,
                s -> s.connections().get(0).activeSessions() == 1);

        long start = System.nanoTime();
        assertThat(appliance.ok("disable").out())
                .startsWith("SecureConnect disabled: the link and every stream are closed");
        assertThat(link.channel().closeFuture().await(2, TimeUnit.SECONDS))
                .as("the server's link closed within 2 s")
                .isTrue();
        assertThat(stream.closeFuture().await(2, TimeUnit.SECONDS)).isTrue();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2000);

        ApplianceStatus status = appliance.status();
        assertThat(status.enabled()).isFalse();
        assertThat(status.link().state()).isEqualTo("disabled");
        assertThat(status.connections()).isEmpty();
        ApplianceAuditRecord streamClosed = Eventually.await(
                        "stream.closed", () -> appliance.audit(EventType.STREAM_CLOSED), r -> r.size() == 1)
                .get(0);
        assertThat(streamClosed.reason()).startsWith("SecureConnect disabled by ");
        assertThat(appliance.audit(EventType.SECURECONNECT_DISABLED)).hasSize(1);
        assertThat(appliance.audit(EventType.TICKET_DISCONNECTED))
                .extracting(ApplianceAuditRecord::ticket)
                .containsExactly(TICKET);
        Eventually.await("link.down", () -> appliance.audit(EventType.LINK_DOWN), r -> r.size() == 1);

        appliance.stop();
        assertThat(ApplianceDirectory.open(appliance.dir).state().enabled()).isFalse();
        appliance.start();
        assertThat(appliance.status().link().state()).isEqualTo("disabled");
        ApplianceCli.Result connect = appliance.run("connect", "--ticket", TICKET);
        assertThat(connect.exitCode()).isEqualTo(1);
        assertThat(connect.error()).isEqualTo("SecureConnect is disabled: turn it on first with 'sc-appliance enable'");
        assertThat(server.links.poll(300, TimeUnit.MILLISECONDS)).isNull();

        appliance.ok("enable");
        appliance.stop();
        appliance.start();
        assertThat(appliance.status().enabled()).as("enable is persisted too").isTrue();
    }

    @Test
    void disconnectingTheLastTicketClosesItsSessionsAndTheLink() throws Exception {
        TestServer.ServerLink link = connected();
        Http2StreamChannel stream =
                open(link, StreamRequest.loopback(echo.port(), "s-1", TICKET)).get(10, TimeUnit.SECONDS);
        appliance.ok("disconnect", "--ticket", TICKET);
        assertThat(stream.closeFuture().await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(link.channel().closeFuture().await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(appliance.status().link().state()).isEqualTo("idle");
        ApplianceAuditRecord closed = Eventually.await(
                        "stream.closed", () -> appliance.audit(EventType.STREAM_CLOSED), r -> r.size() == 1)
                .get(0);
        assertThat(closed.reason()).startsWith("ticket " + TICKET + " disconnected by ");
    }

    @Test
    void theApplianceComesBackByItselfWhenTheServerRestarts() throws Exception {
        connected();
        int port = server.port();
        server.close();
        ApplianceStatus backingOff = appliance.awaitState("backing-off");
        assertThat(backingOff.link().retryAt()).isNotNull();
        assertThat(backingOff.link().reason()).isNotBlank();
        // link.down follows the fact: the writer thread commits it a moment after the state changed
        Eventually.await("link.down", () -> appliance.audit(EventType.LINK_DOWN), r -> !r.isEmpty());

        server = TestServer.startOn(port, work);
        server.awaitLink();
        assertThat(server.awaitHello().tickets()).containsExactly(TICKET);
        awaitTicket(TICKET, "accepted");
        Eventually.await("the second link.up", () -> appliance.audit(EventType.LINK_UP), r -> r.size() == 2);
    }

    @Test
    void aDroppedLinkIsDialledAgain() throws Exception {
        TestServer.ServerLink first = connected();
        server.closeLinks();
        assertThat(first.channel().closeFuture().await(5, TimeUnit.SECONDS)).isTrue();
        TestServer.ServerLink second = server.awaitLink();
        assertThat(second.channel()).isNotSameAs(first.channel());
        awaitTicket(TICKET, "accepted");
        Eventually.await(
                "the drop in the audit log",
                () -> appliance.audit(EventType.LINK_DOWN),
                r -> r.size() == 1 && r.get(0).reason().equals("the server closed the link"));
    }

    @Test
    void aServerWhoseCertificateDoesNotNameTheHostIsRefused() throws Exception {
        try (TestServer impostor = TestServer.startNamed("other.example", work);
                ApplianceUnderTest other = ApplianceUnderTest.init(work.resolve("other"), impostor.address())
                        .start()) {
            other.ok("enable");
            other.ok("connect", "--ticket", TICKET);
            ApplianceStatus status = other.awaitState("backing-off");
            Eventually.await(
                    "the refusal as the reason",
                    other::status,
                    s -> s.link().reason() != null
                            && s.link()
                                    .reason()
                                    .startsWith("this appliance refused the certificate of the server at "
                                            + impostor.address()
                                            + " (invalid): the certificate of server other.example does not match the"
                                            + " host 127.0.0.1"));
            assertThat(status.link().state()).isEqualTo("backing-off");
            assertThat(impostor.links).isEmpty();
            assertThat(other.audit(EventType.HANDSHAKE_REFUSED)).hasSize(1).allSatisfy(r -> assertThat(r.outcome())
                    .isEqualTo("refused"));
        }
    }

    @Test
    void aServerThatGivesNoVerdictIsDroppedAndDialledAgain() throws Exception {
        appliance.stop();
        ApplianceDirectory.open(appliance.dir)
                .updateConfig(c -> new dev.secureconnect.appliance.config.ApplianceConfig(
                        c.server(),
                        c.keepAlive(),
                        c.backoff(),
                        new dev.secureconnect.appliance.config.ApplianceConfig.Timeouts(
                                java.time.Duration.ofSeconds(5),
                                java.time.Duration.ofSeconds(5),
                                java.time.Duration.ofMillis(300),
                                java.time.Duration.ofSeconds(2)),
                        c.streams(),
                        c.services(),
                        c.files(),
                        c.tls()));
        appliance.start();
        server.silent = true;
        appliance.ok("connect", "--ticket", TICKET);
        TestServer.ServerLink first = server.awaitLink();
        assertThat(first.channel().closeFuture().await(5, TimeUnit.SECONDS))
                .as("the appliance gave up on the link")
                .isTrue();
        Eventually.await(
                "the missing verdict in the audit log",
                () -> appliance.audit(EventType.LINK_DOWN),
                r -> !r.isEmpty()
                        && r.get(0).reason().equals("the server gave no verdict on the tickets within 300ms"));
        server.silent = false;
        server.awaitLink();
        awaitTicket(TICKET, "accepted");
    }

    @Test
    void aServerThatDoesNotSpeakTlsIsShownAsSuch() throws Exception {
        try (LoopbackService plain = LoopbackService.replying("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
                ApplianceUnderTest other = ApplianceUnderTest.init(work.resolve("plain"), "127.0.0.1:" + plain.port())
                        .start()) {
            other.ok("enable");
            other.ok("connect", "--ticket", TICKET);
            Eventually.await(
                    "the reason in the status",
                    other::status,
                    s -> s.link().state().equals("backing-off")
                            && ("the server at 127.0.0.1:" + plain.port() + " does not speak TLS")
                                    .equals(s.link().reason()));
            assertThat(plain.accepted()).isPositive();
        }
    }

    private TestServer.ServerLink connected() throws InterruptedException {
        appliance.ok("connect", "--ticket", TICKET);
        TestServer.ServerLink link = server.awaitLink();
        awaitTicket(TICKET, "accepted");
        return link;
    }

    private ApplianceStatus awaitTicket(String ticket, String status) {
        return Eventually.await("ticket " + ticket + " " + status, appliance::status, s -> s.connections().stream()
                .anyMatch(c -> c.ticket().equals(ticket) && c.status().equals(status)));
    }

    /** Opens a CONNECT as the server would for engineer alice, with a token for the request's ticket. */
    private Future<Http2StreamChannel> open(TestServer.ServerLink link, StreamRequest request) {
        return TestServer.connect(link, request, credentials(request));
    }

    private SessionCredentials credentials(StreamRequest request) {
        return new SessionCredentials(
                request.sessionId(),
                request.ticket(),
                engineers
                        .token(engineers.alice, ApplianceUnderTest.SERIAL, request.ticket())
                        .serialize(),
                "alice",
                Engineers.base64(engineers.alice.certificate()));
    }

    private void assertRefused(TestServer.ServerLink link, StreamRequest request, String reason) throws Exception {
        Future<Http2StreamChannel> opened = TestServer.connect(link, request, credentials(request));
        assertThat(opened.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(opened.isSuccess()).as("stream %s opened", request).isFalse();
        assertThat(opened.cause()).isInstanceOf(LinkException.class).hasMessage(reason);
    }
}
