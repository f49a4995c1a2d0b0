package dev.secureconnect.appliance.renewal;

import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.crypto.pki.CertificateRole;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * When the appliance renews its certificate ({@code appliance.json renewal.when}): once no more than {@code when} of
 * its lifetime is left (a value above 1 is due at once), and only a certificate the server's enrolment CA signed: a
 * certificate made by hand with {@code sc-pki} is renewed by hand.
 *
 * @param when the part of the lifetime left at which the certificate is due, above 0
 */
public record RenewalSchedule(double when) {

    public RenewalSchedule {
        if (!(when > 0) || Double.isInfinite(when)) {
            throw new IllegalArgumentException("renewal.when: " + when + " (expected: above 0)");
        }
    }

    /**
     * Whether the certificate of {@code chain} (the certificate first, then its issuers) is renewed over the link: its
     * issuer, the next certificate, is an enrolment CA.
     */
    public static boolean renewable(List<X509Certificate> chain) {
        if (chain.size() < 2) {
            return false;
        }
        try {
            return CertificateIdentity.of(chain.get(1)).role() == CertificateRole.ENROLMENT_CA
                    && chain.get(0).getIssuerX500Principal().equals(chain.get(1).getSubjectX500Principal());
        } catch (CryptoException e) {
            return false;
        }
    }

    /** How long from {@code now} until {@code certificate} is due for renewal; zero when it is due. */
    public Duration untilDue(X509Certificate certificate, Instant now) {
        Instant notBefore = certificate.getNotBefore().toInstant();
        Instant notAfter = certificate.getNotAfter().toInstant();
        long lifetime = Math.max(0, Duration.between(notBefore, notAfter).toMillis());
        Instant due = notAfter.minusMillis((long) Math.min(Long.MAX_VALUE / 2.0, lifetime * when));
        return now.isBefore(due) ? Duration.between(now, due) : Duration.ZERO;
    }
}
