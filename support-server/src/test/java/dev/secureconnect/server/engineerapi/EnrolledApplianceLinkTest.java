package dev.secureconnect.server.engineerapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.pki.CertificateFingerprint;
import dev.secureconnect.crypto.pki.RevocationReason;
import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.ServerDaemon;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.audit.ServerAuditRecord;
import dev.secureconnect.server.config.ConfigFile;
import dev.secureconnect.server.enrolment.EnrolmentCa;
import dev.secureconnect.server.enrolment.EnrolmentCrl;
import dev.secureconnect.server.enrolment.Enrolments;
import dev.secureconnect.server.enrolment.InviteStore;
import dev.secureconnect.server.storage.Database;
import dev.secureconnect.tunnel.link.LinkJson;
import dev.secureconnect.tunnel.link.RenewedCertificate;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An appliance whose certificate the server's enrolment CA signed links over the real appliance listener (mutual
 * TLS), its revocation checked against the enrolment CA's own CRL, which the server publishes; once revoked there, it
 * is refused at the handshake.
 */
class EnrolledApplianceLinkTest {

    private static final String SERIAL = RunningServer.SERIAL;

    @TempDir
    Path temp;

    RunningServer server;

    @BeforeEach
    void start() throws Exception {
        server = new RunningServer(temp, java.util.function.UnaryOperator.identity(), RunningServer::importEnrolmentCa);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void enrolledApplianceLinksUntilItsCertificateIsRevoked() throws Exception {
        TestPki pki = TestPki.shared();
        X509CRL published = Pem.readCrl(server.dir.resolve(EnrolmentCrl.FILE));
        assertThat(published.getIssuerX500Principal())
                .isEqualTo(pki.enrolmentCa().certificate().getSubjectX500Principal());
        assertThat(published.getRevokedCertificates()).isNull();

        TestPki.Issued enrolled = pki.enrolled(SERIAL);
        String ticket = server.openTicket();
        try (FakeAppliance appliance =
                new FakeAppliance(enrolled, SERIAL, server.daemon.applianceAddress(), List.of(ticket))) {
            RunningServer.waitFor("the enrolled appliance's ticket accepted on its link", () -> server.daemon
                    .links()
                    .acceptedTickets(SERIAL)
                    .map(accepted -> accepted.contains(ticket))
                    .orElse(false));
        }

        EnrolmentCrl crl = new EnrolmentCrl(
                server.dir, EnrolmentCa.load(server.dir, pki.rootCertificate(), Clock.systemUTC()), Clock.systemUTC());
        crl.revoke(enrolled.certificate(), RevocationReason.KEY_COMPROMISE);
        assertThat(crl.revokedSerials()).containsExactly(enrolled.serialNumber());

        EventLoopGroup group = new NioEventLoopGroup(1);
        try {
            io.netty.channel.Channel channel = TlsClients.connect(
                    group, enrolled, server.daemon.applianceAddress(), "secureconnect/1", pipeline -> {});
            assertThat(channel.closeFuture().await(10, TimeUnit.SECONDS))
                    .as("closed by the server")
                    .isTrue();
        } catch (Exception refusedDuringTheHandshake) {
            // refused before the client finished: as good
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        ServerAuditRecord refused = server.awaitAudit(EventType.HANDSHAKE_REFUSED, r -> "revoked"
                .equals(r.event().details().get("reason")));
        assertThat(refused.event().details().get("listener")).isEqualTo("appliance");
    }

    @Test
    void anEnrolledApplianceRenewsOverItsLinkAndIsCutOffWhenTheOperatorRevokesIt() throws Exception {
        Clock clock = Clock.systemUTC();
        TestPki pki = TestPki.shared();
        java.security.KeyPair first = TestPki.keyPair("appliance-renewal-first");
        java.security.KeyPair next = TestPki.keyPair("appliance-renewal-next");
        dev.secureconnect.crypto.pki.CertificateAuthority enrolmentCa =
                EnrolmentCa.load(server.dir, pki.rootCertificate(), clock);
        java.security.cert.X509Certificate enrolled;
        try (Database database = Database.open(ServerDaemon.databaseSettings(
                server.dir, ConfigFile.read(server.dir).database()))) {
            ServerAuditLog audit = new ServerAuditLog(database, clock);
            String code = new InviteStore(database, audit, clock)
                    .invite(
                            SERIAL,
                            java.time.Duration.ofHours(1),
                            false,
                            "operator:test",
                            CertificateFingerprint.of(pki.rootCertificate()))
                    .code()
                    .text();
            enrolled = new Enrolments(
                            audit,
                            enrolmentCa,
                            java.time.Duration.ofDays(30),
                            dev.secureconnect.server.blocks.SourceGuard.OPEN,
                            clock)
                    .enrol(code, SERIAL, csr(first), java.net.InetAddress.getLoopbackAddress())
                    .certificate();
        }
        List<java.security.cert.X509Certificate> chain = new java.util.ArrayList<>(List.of(enrolled));
        chain.addAll(enrolmentCa.chain());
        TestPki.Issued current = new TestPki.Issued(first, enrolled, chain);
        String ticket = server.openTicket();

        String offered = csr(next);
        try (FakeAppliance appliance =
                new FakeAppliance(current, SERIAL, server.daemon.applianceAddress(), List.of(ticket), "", offered)) {
            String body = appliance.certificates.poll(20, TimeUnit.SECONDS);
            assertThat(body).as("POST /v1/certificate").isNotNull();
            RenewedCertificate answer =
                    LinkJson.decode(body.getBytes(StandardCharsets.UTF_8), RenewedCertificate.class);
            assertThat(answer.wasRefused()).as(answer.refused()).isFalse();
            List<Object> pem = Pem.parse(answer.certificates(), "the answer");
            assertThat(pem).hasSize(3);
            java.security.cert.X509Certificate renewed = new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter()
                    .getCertificate((org.bouncycastle.cert.X509CertificateHolder) pem.get(0));
            assertThat(renewed.getPublicKey()).isEqualTo(next.getPublic());
            ServerAuditRecord record = server.awaitAudit(EventType.CERTIFICATE_RENEWED, r -> true);
            assertThat(record.event().details())
                    .containsEntry(
                            "oldFingerprint",
                            CertificateFingerprint.of(enrolled).colonHex())
                    .containsEntry(
                            "fingerprint", CertificateFingerprint.of(renewed).colonHex());

            assertThat(RunningServer.sc("appliances", "revoke", "--dir", server.dir.toString(), "--serial", SERIAL))
                    .isZero();
            RunningServer.waitFor("the revoked appliance's link closed", () -> !appliance.isActive());
            assertThat(server.awaitAudit(EventType.APPLIANCE_REVOKED, r -> true)
                            .event()
                            .details()
                            .get("fingerprints"))
                    .contains(
                            CertificateFingerprint.of(enrolled).colonHex(),
                            CertificateFingerprint.of(renewed).colonHex());
        }
        assertThat(new EnrolmentCrl(server.dir, enrolmentCa, clock).revokedSerials())
                .contains(enrolled.getSerialNumber());
    }

    static String csr(java.security.KeyPair keys) {
        return Pem.csr(dev.secureconnect.crypto.pki.CertificateSigningRequest.create(
                dev.secureconnect.crypto.pki.CertificateIdentity.appliance(SERIAL), keys));
    }
}
