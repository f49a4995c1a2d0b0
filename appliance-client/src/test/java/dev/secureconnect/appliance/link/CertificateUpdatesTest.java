package dev.secureconnect.appliance.link;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.appliance.audit.ApplianceAuditEvent;
import dev.secureconnect.appliance.audit.AuditSink;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.appliance.config.Enrolment;
import dev.secureconnect.appliance.renewal.ApplianceCertificate;
import dev.secureconnect.appliance.renewal.RenewalFixture;
import dev.secureconnect.appliance.renewal.RenewalSchedule;
import dev.secureconnect.crypto.pki.CertificateFingerprint;
import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.events.EventType;
import dev.secureconnect.tunnel.link.LinkJson;
import dev.secureconnect.tunnel.link.LinkProtocol;
import dev.secureconnect.tunnel.link.RenewedCertificate;
import dev.secureconnect.tunnel.retry.Backoff;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The appliance's half of renewal: {@code POST /v1/certificate} on an embedded HTTP/2 link ({@link
 * ApplianceStreamHandler} → {@link CertificateUpdates}), answered only once its record is durable; the schedule on a
 * clock the test sets (not due, due, forced, a hand-made certificate); the fallback to the old certificate.
 */
class CertificateUpdatesTest {

    private static final String SERIAL = "SN-RENEW-LINK";
    private static final Executor WORKER = Runnable::run;

    @TempDir
    Path work;

    private final List<ApplianceAuditEvent> audit = new CopyOnWriteArrayList<>();
    private final List<String> csrs = new ArrayList<>();
    private int switches;
    /** When a submitted record is durable: the test decides. */
    private CompletableFuture<Object> durable = CompletableFuture.completedFuture(null);

    private EmbeddedStreams streams;
    private Path dir;
    private ApplianceCertificate files;
    private CertificateUpdates updates;

    @AfterEach
    void tearDown() {
        if (streams != null) {
            streams.close();
        }
    }

    @Test
    void aRenewedCertificateIsInstalledAuditedThenAnswered() throws Exception {
        Enrolment.Material old = enrolled(Clock.systemUTC());
        String request = files.request(SERIAL);
        durable = new CompletableFuture<>();

        post(LinkJson.encode(RenewedCertificate.signed(RenewalFixture.signed(SERIAL, RenewalFixture.keyOf(request)))));
        await(() -> !audit.isEmpty());
        streams.pump();
        assertThat(streams.received)
                .as("no answer before the record is durable")
                .isEmpty();
        durable.complete(null);
        awaitAnswer();

        assertThat(status()).isEqualTo("200");
        ApplianceAuditEvent renewed = audit.get(0);
        assertThat(renewed.type()).isEqualTo(EventType.CERTIFICATE_RENEWED);
        assertThat(renewed.details())
                .containsEntry(
                        "oldFingerprint",
                        CertificateFingerprint.of(old.keys().certificate()).colonHex())
                .containsEntry(
                        "fingerprint",
                        CertificateFingerprint.of(updates.current().keys().certificate())
                                .colonHex());
        assertThat(updates.current().keys().certificate())
                .isNotEqualTo(old.keys().certificate());
        assertThat(updates.unproven(updates.current())).isTrue();
        assertThat(switches).as("the supervisor switches links when idle").isEqualTo(1);
        assertThat(files.current().keys().certificate())
                .as("appliance.json still names the old one")
                .isEqualTo(old.keys().certificate());

        updates.admitted(updates.current());
        assertThat(files.current().keys().certificate())
                .isEqualTo(updates.current().keys().certificate());
        assertThat(updates.unproven(updates.current())).isFalse();
    }

    @Test
    void aCertificateForAnotherKeyIs422AuditedAndNothingIsInstalled() {
        enrolled(Clock.systemUTC());
        files.request(SERIAL);

        post(LinkJson.encode(RenewedCertificate.signed(
                RenewalFixture.signed(SERIAL, TestPki.keyPair("someone-else").getPublic()))));
        awaitAnswer();

        assertThat(status()).isEqualTo("422");
        assertThat(reason()).startsWith("the renewed certificate does not check: ");
        assertThat(audit).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo(EventType.CERTIFICATE_RENEWAL_REFUSED);
            assertThat(event.details()).containsEntry("reportedBy", "appliance");
        });
        assertThat(files.renewed()).isEmpty();
        assertThat(dir.resolve("tls/renewal-key.pem")).as("the key is dropped").doesNotExist();
    }

    @Test
    void theServersRefusalIsAuditedAndTheKeyDropped() {
        enrolled(Clock.systemUTC());
        files.request(SERIAL);
        csrs.clear();

        post(LinkJson.encode(RenewedCertificate.refusal("the certificate of appliance SN was revoked\u000b")));
        awaitAnswer();

        assertThat(status()).isEqualTo("200");
        assertThat(audit).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo(EventType.LINK_RENEWAL_REFUSED);
            assertThat(event.reason()).isEqualTo("the certificate of appliance SN was revoked;");
        });
        assertThat(csrs).containsExactly("");
        assertThat(dir.resolve("tls/renewal-key.pem")).doesNotExist();
    }

    @Test
    void aMalformedAnswerIs400() {
        enrolled(Clock.systemUTC());
        post("{\"certificates\":".getBytes(StandardCharsets.UTF_8));
        awaitAnswer();
        assertThat(status()).isEqualTo("400");
        assertThat(audit).isEmpty();
    }

    @Test
    void aCertificateNotDueAsksNothingADueOneAsksOnceAHandMadeOneNever() {
        Instant now = Instant.now();
        enrolled(Clock.fixed(now, ZoneOffset.UTC));
        updates.start();
        assertThat(csrs).as("a third of 30 days is not left yet").isEmpty();

        Instant issued = updates.current().keys().certificate().getNotBefore().toInstant();
        Instant late =
                updates.current().keys().certificate().getNotAfter().toInstant().minus(Duration.ofDays(2));
        enrolled(Clock.fixed(late, ZoneOffset.UTC));
        updates.start();
        streams.http2.peer.runPendingTasks();
        assertThat(csrs).singleElement().satisfies(csr -> assertThat(csr).startsWith("-----BEGIN CERTIFICATE REQUEST"));
        updates.check();
        assertThat(csrs).as("asked once, until answered").hasSize(1);

        csrs.clear();
        renewalWhen(1.5);
        enrolled(Clock.fixed(issued, ZoneOffset.UTC));
        updates.start();
        streams.http2.peer.runPendingTasks();
        assertThat(csrs).as("forced: more than the whole lifetime").hasSize(1);

        csrs.clear();
        handMade(Clock.fixed(late, ZoneOffset.UTC));
        updates.start();
        streams.http2.peer.runPendingTasks();
        assertThat(csrs).as("sc-pki made it").isEmpty();
    }

    @Test
    void aRenewedCertificateThatFailsBeforeItsAdmissionFallsBackToTheOldOne() {
        Enrolment.Material old = enrolled(Clock.systemUTC());
        String request = files.request(SERIAL);
        files.install(RenewalFixture.signed(SERIAL, RenewalFixture.keyOf(request)), old);
        Enrolment.Material renewed = files.renewed().orElseThrow();
        updates = updates(Clock.systemUTC(), old, renewed);
        assertThat(updates.current()).isSameAs(renewed);

        assertThat(updates.failedBeforeAdmission(
                        renewed, "the server refused the TLS handshake (alert bad_certificate)"))
                .isTrue();

        assertThat(updates.current()).isSameAs(old);
        assertThat(audit).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo(EventType.LINK_CERTIFICATE_FALLBACK);
            assertThat(event.details())
                    .containsEntry(
                            "fingerprint",
                            CertificateFingerprint.of(renewed.keys().certificate())
                                    .colonHex());
        });
        assertThat(files.renewed()).as("the refused one is dropped").isEmpty();
        assertThat(updates.failedBeforeAdmission(old, "anything"))
                .as("the old one has nothing to fall back to")
                .isFalse();
    }

    @Test
    void noFallbackToAnOldCertificateThatExpired() {
        Enrolment.Material old = enrolled(Clock.systemUTC());
        String request = files.request(SERIAL);
        files.install(RenewalFixture.signed(SERIAL, RenewalFixture.keyOf(request)), old);
        Enrolment.Material renewed = files.renewed().orElseThrow();
        Instant expired = old.keys().certificate().getNotAfter().toInstant().plusSeconds(1);
        updates = updates(Clock.fixed(expired, ZoneOffset.UTC), old, renewed);

        assertThat(updates.failedBeforeAdmission(renewed, "refused")).isFalse();
        assertThat(updates.current()).isSameAs(renewed);
        assertThat(audit).isEmpty();
    }

    // ---- set-up ----------------------------------------------------------------------------------------------------

    private double when = 0.33;

    private void renewalWhen(double value) {
        when = value;
    }

    private Enrolment.Material enrolled(Clock clock) {
        return setUp(clock, true);
    }

    private Enrolment.Material handMade(Clock clock) {
        return setUp(clock, false);
    }

    private Enrolment.Material setUp(Clock clock, boolean enrolled) {
        if (streams != null) {
            streams.close();
        }
        Path dir = work.resolve("appliance-" + System.nanoTime());
        if (enrolled) {
            RenewalFixture.enrolled(work.resolve("issued-" + System.nanoTime()), dir, SERIAL);
        } else {
            RenewalFixture.handMade(work.resolve("issued-" + System.nanoTime()), dir, SERIAL);
        }
        this.dir = dir;
        files = new ApplianceCertificate(ApplianceDirectory.open(dir), Clock.systemUTC());
        Enrolment.Material material = files.current();
        CertificateUpdates[] created = new CertificateUpdates[1];
        streams = new EmbeddedStreams(stream -> stream.pipeline().addLast(new CertificateStream(created)));
        updates = updates(clock, material, null);
        created[0] = updates;
        return material;
    }

    private CertificateUpdates updates(Clock clock, Enrolment.Material configured, Enrolment.Material renewed) {
        EmbeddedChannel loopOwner = streams.http2.peer;
        return new CertificateUpdates(
                loopOwner.eventLoop(),
                files,
                new RenewalSchedule(when),
                WORKER,
                new Sessions(
                        new AuditSink() {
                            @Override
                            public void record(ApplianceAuditEvent event) {
                                audit.add(event);
                            }

                            @Override
                            public CompletableFuture<?> submit(ApplianceAuditEvent event) {
                                audit.add(event);
                                return durable;
                            }
                        },
                        clock,
                        Duration.ofSeconds(5),
                        SERIAL),
                clock,
                new Backoff(Duration.ofMinutes(1), Duration.ofHours(1)),
                configured,
                renewed,
                "support.example.com:8443",
                new CertificateUpdates.Link() {
                    @Override
                    public void renewalCsr(String csr) {
                        csrs.add(csr);
                    }

                    @Override
                    public void switchWhenIdle() {
                        switches++;
                    }
                });
    }

    /** The appliance's end of a stream: {@code POST /v1/certificate} goes to the renewal, as the supervisor routes it. */
    private static final class CertificateStream extends dev.secureconnect.tunnel.link.StreamRequestHandler {
        private final CertificateUpdates[] updates;

        CertificateStream(CertificateUpdates[] updates) {
            this.updates = updates;
        }

        @Override
        protected void onConnect(
                io.netty.handler.codec.http2.Http2StreamChannel stream,
                dev.secureconnect.tunnel.link.StreamRequest request) {
            throw new AssertionError("no CONNECT here");
        }

        @Override
        protected void onRequest(
                io.netty.handler.codec.http2.Http2StreamChannel stream,
                io.netty.handler.codec.http2.Http2Headers headers,
                byte[] body) {
            updates[0].received(stream, body);
        }
    }

    private void post(byte[] body) {
        streams.received.clear();
        streams.open(new DefaultHttp2Headers().method("POST").path(LinkProtocol.PATH_CERTIFICATE), false);
        streams.serverStream().writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(body), true));
        streams.pump();
    }

    private void await(BooleanSupplier done) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            streams.pump();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        assertThat(done.getAsBoolean()).as("within 10 s").isTrue();
    }

    private void awaitAnswer() {
        await(() -> !streams.received.isEmpty());
    }

    private String status() {
        return ((Http2HeadersFrame) streams.received.get(0)).headers().status().toString();
    }

    private String reason() {
        return String.valueOf(
                ((Http2HeadersFrame) streams.received.get(0)).headers().get(LinkProtocol.HEADER_REASON));
    }
}
