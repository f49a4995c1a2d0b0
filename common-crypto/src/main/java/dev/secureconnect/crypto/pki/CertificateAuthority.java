package dev.secureconnect.crypto.pki;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.keys.RsaKeySize;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.jspecify.annotations.Nullable;

/**
 * A certificate authority of the SecureConnect PKI: the root CA (kept offline), the issuing CA below it, or the
 * enrolment CA below the root that a support server holds to sign appliance certificates (and nothing else).
 * It issues certificates with the profile of their {@link CertificateRole} and signs revocation lists.
 *
 * <p>Profiles: CAs get critical BasicConstraints (the issuing CA with path length 0) and critical KeyUsage
 * keyCertSign + cRLSign; leaves get critical BasicConstraints CA:false, critical KeyUsage digitalSignature
 * (no RSA key transport: SecureConnect only negotiates forward-secret suites), EKU serverAuth (servers) or
 * clientAuth (appliances, engineers, API clients), and the SAN of their {@link CertificateIdentity}. Every
 * certificate has a subject key identifier and an authority key identifier, a random positive 128-bit serial number
 * and a SHA-256 with RSA signature.
 */
public final class CertificateAuthority {

    /** How far back notBefore is set, so that a peer whose clock is slightly behind accepts a new certificate. */
    static final Duration BACKDATE = Duration.ofMinutes(5);

    private static final SecureRandom RANDOM = new SecureRandom();

    private final X509Certificate certificate;
    private final List<X509Certificate> issuers;
    private final CertificateSigner signer;
    private final Clock clock;
    private final CertificateRole role;

    /**
     * @param certificate this CA's certificate
     * @param issuers the certificates above it, nearest first, ending with the root (empty for the root itself)
     * @param signer holds the private key matching {@code certificate}
     */
    public CertificateAuthority(
            X509Certificate certificate, List<X509Certificate> issuers, CertificateSigner signer, Clock clock) {
        this.certificate = requireNonNull(certificate, "certificate");
        this.issuers = List.copyOf(issuers);
        this.signer = requireNonNull(signer, "signer");
        this.clock = requireNonNull(clock, "clock");
        if (certificate.getBasicConstraints() < 0) {
            throw new CryptoException(
                    "certificate " + certificate.getSubjectX500Principal().getName() + " is not a CA certificate");
        }
        this.role = CertificateIdentity.of(certificate).role();
        if (!certificate.getPublicKey().equals(signer.publicKey())) {
            throw new CryptoException("the CA key does not belong to the CA certificate "
                    + certificate.getSubjectX500Principal().getName());
        }
    }

    /** Creates a self-signed root CA named {@code "<name> Root CA"}, organisation {@code name}. */
    public static CertificateAuthority createRoot(String name, KeyPair keys, Duration validity, Clock clock) {
        CertificateIdentity identity = CertificateIdentity.rootCa(name + " Root CA");
        RsaKeySize.requireAcceptable(keys.getPublic(), "the root CA key");
        X500Name subject = identity.subject(name);
        Instant now = clock.instant();
        SoftwareKeySigner signer = new SoftwareKeySigner(keys.getPrivate(), keys.getPublic());
        X509Certificate root = build(
                subject,
                keys.getPublic(),
                subject,
                keys.getPublic(),
                signer,
                now.minus(BACKDATE),
                now.plus(validity),
                identity);
        return new CertificateAuthority(root, List.of(), signer, clock);
    }

    /** Creates the issuing CA below this root, named {@code "<name> Issuing CA"}. */
    public X509Certificate createIssuingCa(String name, PublicKey key, Duration validity) {
        return issue(CertificateIdentity.issuingCa(name + " Issuing CA"), key, validity);
    }

    /**
     * Creates the enrolment CA below this root, named {@code "<name> Enrolment CA"}: a CA that signs appliance
     * certificates only (path length 0, a permitted name constraint {@code O=<organisation>, OU=Appliances},
     * extended key usage clientAuth), for a support server to hold online. Its name is this root's organisation
     * followed by {@code Enrolment CA}.
     */
    public X509Certificate createEnrolmentCa(PublicKey key, Duration validity) {
        return issue(enrolmentCaIdentity(), key, validity);
    }

    /** The identity of the enrolment CA below this root: {@code "<organisation> Enrolment CA"}. */
    public CertificateIdentity enrolmentCaIdentity() {
        String name = organisation();
        if (name == null) {
            throw new CryptoException(
                    "the root CA " + certificate.getSubjectX500Principal().getName()
                            + " names no organisation (O=), which the enrolment CA's name constraint needs");
        }
        return CertificateIdentity.enrolmentCa(name + " Enrolment CA");
    }

    /**
     * Issues a certificate for {@code identity} over {@code subjectKey}, valid from now (less a few minutes of
     * clock skew) for {@code validity}, which may not reach past this CA's own expiry.
     */
    public X509Certificate issue(CertificateIdentity identity, PublicKey subjectKey, Duration validity) {
        requireNonNull(identity, "identity");
        RsaKeySize.requireAcceptable(subjectKey, "the subject's key");
        if (identity.role() == CertificateRole.ROOT_CA) {
            throw new CryptoException("a root CA is self-signed: use createRoot");
        }
        if (identity.role() == CertificateRole.ISSUING_CA && !issuers.isEmpty()) {
            throw new CryptoException("only the root CA issues the issuing CA");
        }
        if (identity.role() == CertificateRole.ENROLMENT_CA && !issuers.isEmpty()) {
            throw new CryptoException("only the root CA issues the enrolment CA");
        }
        if (role == CertificateRole.ENROLMENT_CA && identity.role() != CertificateRole.APPLIANCE) {
            throw new CryptoException("the enrolment CA signs appliance certificates only, not the certificate of "
                    + identity.describe());
        }
        if (validity.isNegative() || validity.isZero()) {
            throw new CryptoException("validity must be positive, got " + validity.toDays() + " days");
        }
        Instant now = clock.instant();
        requireValidAt(now);
        Instant notAfter = now.plus(validity);
        Instant caNotAfter = certificate.getNotAfter().toInstant();
        if (notAfter.isAfter(caNotAfter)) {
            throw new CryptoException("a validity of " + validity.toDays() + " days would outlive the "
                    + CertificateIdentity.of(certificate).role().label() + " certificate, which expires " + caNotAfter
                    + ": ask for at most " + Duration.between(now, caNotAfter).toDays() + " days");
        }
        X509CertificateHolder issuer = CertificateIdentity.holder(certificate);
        return build(
                identity.subject(organisation()),
                subjectKey,
                issuer.getSubject(),
                signer.publicKey(),
                signer,
                now.minus(BACKDATE),
                notAfter,
                identity);
    }

    /**
     * Signs a version 2 CRL listing {@code revoked}, with a CRL number and authority key identifier, valid from
     * now until now plus {@code validity} (its nextUpdate).
     */
    public X509CRL revocationList(List<RevokedCertificate> revoked, BigInteger crlNumber, Duration validity) {
        Instant now = clock.instant();
        requireValidAt(now);
        X509v2CRLBuilder crl =
                new X509v2CRLBuilder(CertificateIdentity.holder(certificate).getSubject(), Date.from(now));
        crl.setNextUpdate(Date.from(now.plus(validity)));
        for (RevokedCertificate entry : revoked) {
            crl.addCRLEntry(
                    entry.serialNumber(),
                    Date.from(entry.revokedAt()),
                    entry.reason().code());
        }
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            crl.addExtension(
                    Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(certificate));
            crl.addExtension(Extension.cRLNumber, false, new CRLNumber(crlNumber));
            return new JcaX509CRLConverter().getCRL(crl.build(signer.contentSigner()));
        } catch (java.security.GeneralSecurityException | CertIOException e) {
            throw new CryptoException("cannot sign the revocation list: " + e.getMessage(), e);
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** The signer holding this CA's key, for records the CA vouches for (e.g. its issuance log). */
    public CertificateSigner signer() {
        return signer;
    }

    /** This CA's certificate followed by the certificates above it, ending with the root. */
    public List<X509Certificate> chain() {
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(certificate);
        chain.addAll(issuers);
        return List.copyOf(chain);
    }

    /** The root CA's certificate at the top of this CA's chain. */
    public X509Certificate root() {
        return issuers.isEmpty() ? certificate : issuers.get(issuers.size() - 1);
    }

    /** A CA working at another time: tests use it to issue certificates that are already expired. */
    public CertificateAuthority withClock(Clock otherClock) {
        return new CertificateAuthority(certificate, issuers, signer, otherClock);
    }

    private void requireValidAt(Instant now) {
        if (now.isAfter(certificate.getNotAfter().toInstant())) {
            throw new CryptoException("the CA certificate "
                    + certificate.getSubjectX500Principal().getName() + " expired on "
                    + certificate.getNotAfter().toInstant() + ": it can no longer sign");
        }
        if (now.isBefore(certificate.getNotBefore().toInstant())) {
            throw new CryptoException("the CA certificate "
                    + certificate.getSubjectX500Principal().getName() + " is not valid before "
                    + certificate.getNotBefore().toInstant() + ": check the clock");
        }
    }

    private @Nullable String organisation() {
        return organisationOf(CertificateIdentity.holder(certificate).getSubject());
    }

    private static @Nullable String organisationOf(X500Name name) {
        RDN[] o = name.getRDNs(BCStyle.O);
        return o.length == 0 ? null : IETFUtils.valueToString(o[0].getFirst().getValue());
    }

    private static X509Certificate build(
            X500Name subject,
            PublicKey subjectKey,
            X500Name issuer,
            PublicKey issuerKey,
            CertificateSigner signer,
            Instant notBefore,
            Instant notAfter,
            CertificateIdentity identity) {
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    issuer, randomSerial(), Date.from(notBefore), Date.from(notAfter), subject, subjectKey);
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(
                    Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(subjectKey));
            builder.addExtension(
                    Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(issuerKey));
            switch (identity.role()) {
                case ROOT_CA -> {
                    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                    builder.addExtension(
                            Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
                }
                case ISSUING_CA -> {
                    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
                    builder.addExtension(
                            Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
                }
                case ENROLMENT_CA -> {
                    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
                    builder.addExtension(
                            Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
                    builder.addExtension(
                            Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
                    // RFC 5280 URI constraints name hosts, so a URN cannot be constrained as a URI (the JDK cannot
                    // even parse such a certificate and OpenSSL refuses every chain below it): the subject is
                    // constrained instead, to the subtree every appliance subject lies in.
                    GeneralSubtree appliances = new GeneralSubtree(
                            new GeneralName(CertificateIdentity.applianceSubtree(organisationOf(subject))));
                    builder.addExtension(
                            Extension.nameConstraints,
                            true,
                            new NameConstraints(new GeneralSubtree[] {appliances}, null));
                }
                case SERVER, APPLIANCE, ENGINEER, API_CLIENT -> {
                    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                    builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                    KeyPurposeId purpose = identity.role() == CertificateRole.SERVER
                            ? KeyPurposeId.id_kp_serverAuth
                            : KeyPurposeId.id_kp_clientAuth;
                    builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
                    GeneralNames san = identity.subjectAltNames();
                    builder.addExtension(Extension.subjectAlternativeName, false, san);
                }
            }
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer.contentSigner()));
        } catch (CertIOException | CertificateException | java.security.NoSuchAlgorithmException e) {
            throw new CryptoException(
                    "cannot build the certificate for " + identity.describe() + ": " + e.getMessage(), e);
        }
    }

    /** A random positive serial number of exactly 128 bits (RFC 5280 allows up to 20 octets). */
    static BigInteger randomSerial() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        bytes[0] |= (byte) 0x80;
        return new BigInteger(1, bytes);
    }
}
