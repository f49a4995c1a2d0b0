package dev.secureconnect.server.engineerapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.pki.RevocationReason;
import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.ServerAuditRecord;
import dev.secureconnect.server.enrolment.EnrolmentCa;
import dev.secureconnect.server.enrolment.EnrolmentCrl;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
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
}
