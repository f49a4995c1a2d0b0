package dev.secureconnect.server.link;

import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.tunnel.link.Admission;
import dev.secureconnect.tunnel.link.Hello;
import dev.secureconnect.tunnel.link.TicketNumber;
import io.netty.channel.Channel;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One appliance's link as the server holds it: who it is (from its certificate), where it connected from, its
 * latest hello and the tickets the server accepted on it. Mutable state is replaced whole and read without locks.
 */
final class LinkSession {

    private final CertificateIdentity appliance;
    private final Channel channel;
    private final String remoteAddress;
    private final Instant since;
    private volatile @Nullable Hello hello; // null until the first hello
    private volatile Set<String> acceptedTickets = Set.of();
    private volatile @Nullable Admission lastAdmission; // null until the first admission
    private volatile boolean registered;
    private final java.util.concurrent.atomic.AtomicBoolean tokenKeysSent =
            new java.util.concurrent.atomic.AtomicBoolean();
    private final PublicKey key;
    /** The last audit checkpoint (JWS) taken from a hello, empty before the first. */
    private volatile String auditCheckpoint = "";

    private final X509Certificate certificate;
    /** The last certificate request taken from a hello for renewal, empty before the first. */
    private volatile String renewalCsr = "";

    /** @param certificate the link's certificate: its key checks the appliance's audit checkpoints */
    LinkSession(
            CertificateIdentity appliance,
            X509Certificate certificate,
            Channel channel,
            String remoteAddress,
            Instant since) {
        this.certificate = certificate;
        this.key = certificate.getPublicKey();
        this.appliance = appliance;
        this.channel = channel;
        this.remoteAddress = remoteAddress;
        this.since = since;
    }

    /** The public key of the link's certificate. */
    PublicKey key() {
        return key;
    }

    /** The link's certificate. */
    X509Certificate certificate() {
        return certificate;
    }

    /** Records {@code csr} as the link's latest renewal request; whether it differs from the one before. */
    synchronized boolean newRenewalCsr(String csr) {
        if (csr.isEmpty() || csr.equals(renewalCsr)) {
            return false;
        }
        renewalCsr = csr;
        return true;
    }

    /** Records {@code jws} as the link's latest audit checkpoint; whether it differs from the one before. */
    boolean newAuditCheckpoint(String jws) {
        if (jws.isEmpty() || jws.equals(auditCheckpoint)) {
            return false;
        }
        auditCheckpoint = jws;
        return true;
    }

    String serial() {
        return appliance.id();
    }

    Channel channel() {
        return channel;
    }

    String remoteAddress() {
        return remoteAddress;
    }

    Instant since() {
        return since;
    }

    @Nullable
    Hello hello() {
        return hello;
    }

    void hello(Hello latest) {
        this.hello = latest;
    }

    Set<String> acceptedTickets() {
        return acceptedTickets;
    }

    @Nullable
    Admission lastAdmission() {
        return lastAdmission;
    }

    void admitted(Admission admission) {
        this.lastAdmission = admission;
        this.acceptedTickets = Set.copyOf(admission.verdicts().stream()
                .filter(Admission.Verdict::accepted)
                .map(Admission.Verdict::ticket)
                .toList());
    }

    List<TicketNumber> acceptedTicketNumbers() {
        return acceptedTickets.stream().sorted().map(TicketNumber::parse).toList();
    }

    boolean registered() {
        return registered;
    }

    void markRegistered() {
        registered = true;
    }

    @Override
    public String toString() {
        return "LinkSession[" + serial() + " from " + remoteAddress + "]";
    }

    /** Whether the token key chain is still to be sent on this link (true once: after its first admission). */
    boolean firstTokenKeys() {
        return tokenKeysSent.compareAndSet(false, true);
    }
}
