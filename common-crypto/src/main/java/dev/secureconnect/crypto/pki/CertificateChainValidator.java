package dev.secureconnect.crypto.pki;

import dev.secureconnect.crypto.CryptoException;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * PKIX validation (RFC 5280) of certificate chains up to SecureConnect's root CA, with revocation checked
 * against the issuing CA's CRL. Revocation is fail-closed: a leaf whose CRL is missing, stale (past its
 * nextUpdate) or unverifiable is refused, never let through.
 *
 * <p>The same parameters back the TLS trust managers, so a handshake and an offline check agree.
 */
public final class CertificateChainValidator {

    private final Set<TrustAnchor> anchors;
    private final List<X509Certificate> intermediates;
    private final List<X509CRL> crls;
    private final boolean checkRevocation;

    /**
     * @param trustedRoots the root CA certificates to trust
     * @param intermediates CA certificates that may complete a chain a peer sent without them
     * @param crls revocation lists of the issuing CA(s)
     */
    public CertificateChainValidator(
            Collection<X509Certificate> trustedRoots,
            Collection<X509Certificate> intermediates,
            Collection<X509CRL> crls) {
        this(trustedRoots, intermediates, crls, true);
    }

    /**
     * A validator that does not check revocation at all, for a peer that holds no CRL of the issuing CA (an
     * appliance or engineer checking the server it dialled). Every listener checks revocation: do not use this
     * where a CRL is available.
     */
    public static CertificateChainValidator withoutRevocationCheck(
            Collection<X509Certificate> trustedRoots, Collection<X509Certificate> intermediates) {
        return new CertificateChainValidator(trustedRoots, intermediates, List.of(), false);
    }

    private CertificateChainValidator(
            Collection<X509Certificate> trustedRoots,
            Collection<X509Certificate> intermediates,
            Collection<X509CRL> crls,
            boolean checkRevocation) {
        this.checkRevocation = checkRevocation;
        if (trustedRoots.isEmpty()) {
            throw new CryptoException("no trusted root CA certificate given");
        }
        this.anchors =
                trustedRoots.stream().map(root -> new TrustAnchor(root, null)).collect(Collectors.toUnmodifiableSet());
        this.intermediates = List.copyOf(intermediates);
        this.crls = List.copyOf(crls);
    }

    /**
     * Validates {@code chain} (leaf first) at time {@code at}.
     *
     * @throws CertificateRejectedException naming why the chain is refused
     */
    public void validate(List<X509Certificate> chain, Instant at) {
        if (chain.isEmpty()) {
            throw new CertificateRejectedException(
                    CertificateRejectedException.Reason.INVALID, "no certificate given", null);
        }
        List<X509Certificate> path = new ArrayList<>();
        for (X509Certificate certificate : chain) {
            if (anchors.stream().noneMatch(anchor -> anchor.getTrustedCert().equals(certificate))) {
                path.add(certificate);
            }
        }
        if (path.size() == 1) {
            path.addAll(intermediates.stream()
                    .filter(ca -> !path.contains(ca)
                            && ca.getSubjectX500Principal().equals(path.get(0).getIssuerX500Principal()))
                    .toList());
        }
        try {
            CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
            CertPathValidator validator = CertPathValidator.getInstance("PKIX");
            PKIXParameters parameters = new PKIXParameters(anchors);
            configure(parameters, validator);
            parameters.setDate(Date.from(at));
            validator.validate(certPath, parameters);
        } catch (CertPathValidatorException e) {
            throw rejected(e, chain.get(0));
        } catch (GeneralSecurityException e) {
            throw new CertificateRejectedException(
                    CertificateRejectedException.Reason.INVALID,
                    "certificate chain cannot be validated: " + e.getMessage(),
                    e);
        }
    }

    /** A trust manager that validates peers' chains exactly as {@link #validate} does, at the current time. */
    public X509TrustManager trustManager() {
        try {
            PKIXBuilderParameters parameters = new PKIXBuilderParameters(anchors, new X509CertSelector());
            configure(parameters, CertPathValidator.getInstance("PKIX"));
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(new CertPathTrustManagerParameters(parameters));
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    return x509;
                }
            }
            throw new CryptoException("the JDK offers no PKIX X.509 trust manager");
        } catch (GeneralSecurityException e) {
            throw new CryptoException("cannot build the PKIX trust manager: " + e.getMessage(), e);
        }
    }

    private void configure(PKIXParameters parameters, CertPathValidator validator)
            throws InvalidAlgorithmParameterException, java.security.NoSuchAlgorithmException {
        List<Object> store = new ArrayList<>(intermediates);
        store.addAll(crls);
        parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(store)));
        if (!checkRevocation) {
            parameters.setRevocationEnabled(false);
            return;
        }
        PKIXRevocationChecker revocation = (PKIXRevocationChecker) validator.getRevocationChecker();
        // CRLs only (no OCSP, no network fetch), and only for the leaf: the issuing CA is revoked by replacing
        // the trust anchor, not through a CRL of the offline root.
        revocation.setOptions(EnumSet.of(
                PKIXRevocationChecker.Option.ONLY_END_ENTITY,
                PKIXRevocationChecker.Option.PREFER_CRLS,
                PKIXRevocationChecker.Option.NO_FALLBACK));
        parameters.setRevocationEnabled(true);
        parameters.addCertPathChecker(revocation);
    }

    private static CertificateRejectedException rejected(CertPathValidatorException e, X509Certificate leaf) {
        String subject = leaf.getSubjectX500Principal().getName();
        CertificateRejectedException.Reason reason;
        if (e.getReason() == CertPathValidatorException.BasicReason.REVOKED) {
            reason = CertificateRejectedException.Reason.REVOKED;
        } else if (e.getReason() == CertPathValidatorException.BasicReason.EXPIRED) {
            reason = CertificateRejectedException.Reason.EXPIRED;
        } else if (e.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
            reason = CertificateRejectedException.Reason.NOT_YET_VALID;
        } else if (e.getReason() == CertPathValidatorException.BasicReason.UNDETERMINED_REVOCATION_STATUS) {
            reason = CertificateRejectedException.Reason.REVOCATION_STATUS_UNKNOWN;
        } else if (e.getReason() == PKIXReason.NO_TRUST_ANCHOR) {
            reason = CertificateRejectedException.Reason.UNKNOWN_CA;
        } else {
            reason = CertificateRejectedException.Reason.INVALID;
        }
        return new CertificateRejectedException(
                reason, "certificate " + subject + " refused (" + reason.label() + "): " + e.getMessage(), e);
    }
}
