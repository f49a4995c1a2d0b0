package dev.secureconnect.server.link;

import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.pki.CertificateFingerprint;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.ServerAuditEvent;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.enrolment.EnrolmentException;
import dev.secureconnect.server.enrolment.Enrolments;
import dev.secureconnect.server.enrolment.Renewals;
import dev.secureconnect.tunnel.link.LinkJson;
import dev.secureconnect.tunnel.link.LinkProtocol;
import dev.secureconnect.tunnel.link.RenewedCertificate;
import dev.secureconnect.tunnel.link.StreamOpener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the certificate request an appliance offers in its hello: {@link Renewals} decides and signs (audited
 * either way), then the new certificate and its chain, or the refusal's reason, go to the appliance ({@code POST
 * /v1/certificate}). An appliance that does not take the certificate is recorded {@code certificate.renewal-refused}
 * (reported by the appliance); one that does not answer offers a new request later. Each request is answered once per
 * link.
 */
final class CertificateRenewal {

    private static final Logger LOG = LoggerFactory.getLogger(CertificateRenewal.class);

    private final Renewals renewals;
    private final ExecutorService blocking;
    private final ServerAuditLog audit;
    private final Duration timeout;

    CertificateRenewal(Renewals renewals, ExecutorService blocking, ServerAuditLog audit, Duration timeout) {
        this.renewals = renewals;
        this.blocking = blocking;
        this.audit = audit;
        this.timeout = timeout;
    }

    /** Decides on {@code csr} from the session's hello and sends the answer (blocking executor). */
    void renew(LinkSession session, String csr) {
        RenewedCertificate answer;
        String fingerprint;
        try {
            Enrolments.Enrolled renewed =
                    renewals.renew(session.serial(), session.certificate(), csr, session.remoteAddress());
            List<java.security.cert.X509Certificate> all = new ArrayList<>();
            all.add(renewed.certificate());
            all.addAll(renewed.chain());
            answer = RenewedCertificate.signed(Pem.certificates(all));
            fingerprint = CertificateFingerprint.of(renewed.certificate()).colonHex();
            LOG.info("appliance {}: certificate renewed ({})", session.serial(), fingerprint);
        } catch (EnrolmentException e) {
            LOG.warn("appliance {}: renewal refused: {}", session.serial(), e.getMessage());
            answer = RenewedCertificate.refusal(String.valueOf(e.getMessage()));
            fingerprint = CertificateFingerprint.of(session.certificate()).colonHex();
        } catch (RuntimeException e) { // the database or the audit log: not the appliance's fault, it asks again later
            LOG.error("appliance {}: cannot renew its certificate now: {}", session.serial(), e.getMessage(), e);
            answer = RenewedCertificate.refusal("the server cannot renew certificates now: " + OneLine.reason(e));
            fingerprint = CertificateFingerprint.of(session.certificate()).colonHex();
        }
        if (!session.channel().isActive()) {
            return;
        }
        String sent = fingerprint;
        boolean refusal = answer.wasRefused();
        StreamOpener.request(session.channel(), "POST", LinkProtocol.PATH_CERTIFICATE, LinkJson.encode(answer), timeout)
                .addListener(done -> {
                    if (!done.isSuccess()) {
                        LOG.warn(
                                "appliance {}: the renewal's answer was not delivered (it asks again): {}",
                                session.serial(),
                                done.cause().getMessage());
                        return;
                    }
                    StreamOpener.Response response = (StreamOpener.Response) done.getNow();
                    if (response.status() != 200 && !refusal) {
                        blocking.execute(() -> notTaken(session, sent, response));
                    }
                });
    }

    /** The appliance did not install the certificate it was sent: audited as the appliance reported it. */
    private void notTaken(LinkSession session, String fingerprint, StreamOpener.Response response) {
        String reason = OneLine.of(response.reason().isEmpty() ? "status " + response.status() : response.reason());
        LOG.warn("appliance {} did not install its renewed certificate: {}", session.serial(), reason);
        audit.appendOrHold(
                List.of(ServerAuditEvent.builder(EventType.CERTIFICATE_RENEWAL_REFUSED)
                        .appliance(session.serial())
                        .source(session.remoteAddress())
                        .outcome(ServerAuditEvent.Outcome.FAILURE)
                        .detail("fingerprint", fingerprint)
                        .detail("reason", reason)
                        .detail("reportedBy", "appliance")
                        .build()),
                ServerAuditLog.Hold.ALWAYS);
    }
}
