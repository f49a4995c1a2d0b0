package dev.secureconnect.crypto.testing;

import dev.secureconnect.crypto.keys.RsaKeyPairs;
import dev.secureconnect.crypto.keys.RsaKeySize;
import dev.secureconnect.crypto.pem.Pkcs12Bundle;
import dev.secureconnect.crypto.pki.CertificateAuthority;
import dev.secureconnect.crypto.pki.CertificateChainValidator;
import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.crypto.pki.CertificateSigner;
import dev.secureconnect.crypto.pki.RevocationReason;
import dev.secureconnect.crypto.pki.RevokedCertificate;
import dev.secureconnect.crypto.pki.SoftwareKeySigner;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A SecureConnect PKI made at test time: a root CA and an issuing CA (RSA 2048, built with
 * {@link CertificateAuthority}), issuing server, appliance, engineer and API client certificates that are valid, expired,
 * not yet valid, revoked or from an unrelated CA, and the issuing CA's revocation list.
 *
 * <p>RSA key generation is slow, so key pairs are cached per name for the whole JVM ({@link #keyPair}) and
 * {@link #shared()} gives one PKI for every test. Sharing is safe: a test's certificates are its own (fresh
 * serial numbers), and revoking one adds it to the shared CRL without affecting any other certificate.
 *
 * <p>Time line: the CAs were created {@link #CA_AGE} ago (so that CAs working at an earlier time can still sign),
 * valid for about ten years; ordinary certificates are valid from now for {@link #LEAF_VALIDITY}.
 */
public final class TestPki {

    /** How long ago the test CAs were made. */
    public static final Duration CA_AGE = Duration.ofDays(90);

    /** The validity of ordinary leaf certificates and of {@link #revocationList()}. */
    public static final Duration LEAF_VALIDITY = Duration.ofDays(30);

    /** The organisation in every subject of the trusted PKI. */
    public static final String ORGANISATION = "SecureConnect Test";

    private static final Map<String, KeyPair> KEY_PAIRS = new ConcurrentHashMap<>();
    private static volatile TestPki shared;

    private final CertificateAuthority root;
    private final CertificateAuthority issuing;
    private final List<RevokedCertificate> revoked = new ArrayList<>();
    private final AtomicLong crlNumber = new AtomicLong();
    private CertificateAuthority untrustedCa;
    private CertificateAuthority enrolmentCa;

    /** A certificate with its key pair and chain (the certificate first, then the issuing CA and the root). */
    public record Issued(KeyPair keyPair, X509Certificate certificate, List<X509Certificate> chain) {
        public Issued {
            chain = List.copyOf(chain);
        }

        public PrivateKey privateKey() {
            return keyPair.getPrivate();
        }

        public BigInteger serialNumber() {
            return certificate.getSerialNumber();
        }

        /** An in-memory PKCS#12 key store holding the key and chain under {@link Pkcs12Bundle#ALIAS}. */
        public KeyStore keyStore(char[] password) {
            try {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setKeyEntry(
                        Pkcs12Bundle.ALIAS, keyPair.getPrivate(), password, chain.toArray(Certificate[]::new));
                return store;
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException("cannot build the test key store", e);
            }
        }
    }

    private TestPki() {
        Clock then = Clock.fixed(Instant.now().minus(CA_AGE), ZoneOffset.UTC);
        CertificateAuthority pastRoot =
                CertificateAuthority.createRoot(ORGANISATION, keyPair("root-ca"), Duration.ofDays(3650), then);
        KeyPair issuingKeys = keyPair("issuing-ca");
        X509Certificate issuingCertificate =
                pastRoot.createIssuingCa(ORGANISATION, issuingKeys.getPublic(), Duration.ofDays(3000));
        root = pastRoot.withClock(Clock.systemUTC());
        issuing = new CertificateAuthority(
                issuingCertificate,
                List.of(root.certificate()),
                new SoftwareKeySigner(issuingKeys.getPrivate(), issuingKeys.getPublic()),
                Clock.systemUTC());
    }

    /** The PKI shared by all tests of this JVM, made on first use. */
    public static TestPki shared() {
        TestPki pki = shared;
        if (pki == null) {
            synchronized (TestPki.class) {
                pki = shared;
                if (pki == null) {
                    pki = new TestPki();
                    shared = pki;
                }
            }
        }
        return pki;
    }

    /**
     * A 2048-bit RSA key pair generated once per {@code name} and JVM. The PKI itself uses "root-ca", "issuing-ca"
     * and "untrusted-root-ca" for its CAs and the role labels "server", "appliance", "engineer" and "api-client" for the
     * certificates it issues; any other name gives a key of its own.
     */
    public static KeyPair keyPair(String name) {
        return KEY_PAIRS.computeIfAbsent(name, n -> RsaKeyPairs.generate(RsaKeySize.DEFAULT));
    }

    /**
     * A 1024-bit RSA key pair (made once per JVM), for the tests that check such keys are refused: RSA keys under
     * 2048 bits cannot be used anywhere in SecureConnect.
     */
    public static KeyPair weakRsaKeyPair() {
        return KEY_PAIRS.computeIfAbsent("weak-rsa-1024", n -> {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(1024);
                return generator.generateKeyPair();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the JDK cannot generate an RSA key pair", e);
            }
        });
    }

    // ---- the CAs ---------------------------------------------------------------------------------------------

    public CertificateAuthority rootCa() {
        return root;
    }

    public CertificateAuthority issuingCa() {
        return issuing;
    }

    public X509Certificate rootCertificate() {
        return root.certificate();
    }

    public X509Certificate issuingCertificate() {
        return issuing.certificate();
    }

    /** A validator trusting this PKI's root, knowing its issuing CA, with the current {@link #revocationList()}. */
    public CertificateChainValidator validator() {
        return validator(List.of(revocationList()));
    }

    /** A validator trusting this PKI's root, knowing its issuing CA, with exactly {@code crls}. */
    public CertificateChainValidator validator(List<X509CRL> crls) {
        return new CertificateChainValidator(List.of(rootCertificate()), List.of(issuingCertificate()), crls);
    }

    // ---- certificates ----------------------------------------------------------------------------------------

    /** A server certificate for {@code localhost} and {@code 127.0.0.1}. */
    public Issued server() {
        return issue(CertificateIdentity.server(List.of("localhost"), List.of("127.0.0.1")));
    }

    public Issued appliance(String serial) {
        return issue(CertificateIdentity.appliance(serial));
    }

    public Issued engineer(String login) {
        return issue(engineerIdentity(login));
    }

    /** A client of the server's API, e.g. the SIEM connector {@code splunk-prod}. */
    public Issued apiClient(String name) {
        return issue(CertificateIdentity.apiClient(name));
    }

    /** The identity of engineer {@code login}: name "Test Engineer &lt;login&gt;", e-mail login@example.com. */
    public static CertificateIdentity engineerIdentity(String login) {
        return CertificateIdentity.engineer(login, "Test Engineer " + login, login + "@example.com");
    }

    /** A certificate valid from now for {@link #LEAF_VALIDITY}, over the cached key pair of its role. */
    public Issued issue(CertificateIdentity identity) {
        return issue(identity, keyPair(identity.role().label()));
    }

    public Issued issue(CertificateIdentity identity, KeyPair keys) {
        return issued(issuing, identity, keys, LEAF_VALIDITY);
    }

    /** A certificate that was valid for one day, 30 days ago, and expired 29 days ago. */
    public Issued expired(CertificateIdentity identity) {
        CertificateAuthority past =
                issuing.withClock(Clock.fixed(Instant.now().minus(Duration.ofDays(30)), ZoneOffset.UTC));
        return issued(past, identity, keyPair(identity.role().label()), Duration.ofDays(1));
    }

    /** A certificate that becomes valid in 30 days (less the CA's few minutes of backdating). */
    public Issued notYetValid(CertificateIdentity identity) {
        CertificateAuthority future =
                issuing.withClock(Clock.fixed(Instant.now().plus(Duration.ofDays(30)), ZoneOffset.UTC));
        return issued(future, identity, keyPair(identity.role().label()), Duration.ofDays(1));
    }

    /**
     * A certificate from the real issuing CA, with its real key, but signed with {@code signatureAlgorithm} (e.g.
     * {@code SHA1withRSA}) instead of SHA-256: valid for PKIX, refused by the TLS policy.
     */
    public Issued weaklySigned(CertificateIdentity identity, String signatureAlgorithm) {
        KeyPair issuingKeys = keyPair("issuing-ca");
        CertificateSigner weak = new CertificateSigner() {
            @Override
            public PublicKey publicKey() {
                return issuingKeys.getPublic();
            }

            @Override
            public ContentSigner contentSigner() {
                try {
                    return new JcaContentSignerBuilder(signatureAlgorithm).build(issuingKeys.getPrivate());
                } catch (OperatorCreationException e) {
                    throw new IllegalStateException("cannot sign with " + signatureAlgorithm, e);
                }
            }
        };
        CertificateAuthority ca =
                new CertificateAuthority(issuing.certificate(), List.of(root.certificate()), weak, Clock.systemUTC());
        return issued(ca, identity, keyPair(identity.role().label()), LEAF_VALIDITY);
    }

    /** A certificate that is otherwise valid but listed from now on in {@link #revocationList()}. */
    public Issued revoked(CertificateIdentity identity) {
        Issued certificate = issue(identity);
        revoke(certificate, RevocationReason.KEY_COMPROMISE);
        return certificate;
    }

    /** Adds {@code certificate} to the CRL this PKI signs from now on. */
    public synchronized void revoke(Issued certificate, RevocationReason reason) {
        revoked.add(
                new RevokedCertificate(certificate.serialNumber(), Instant.now().minusSeconds(1), reason));
    }

    /**
     * A certificate for {@code identity} from an unrelated CA ("Untrusted Test Root CA", a root issuing directly),
     * which nothing here trusts. Its chain is the certificate and that root.
     */
    public Issued untrusted(CertificateIdentity identity) {
        return issued(untrustedCa(), identity, keyPair(identity.role().label()), LEAF_VALIDITY);
    }

    /** The unrelated CA behind {@link #untrusted}: a root named "Untrusted Test Root CA", made on first use. */
    public synchronized CertificateAuthority untrustedCa() {
        if (untrustedCa == null) {
            untrustedCa = CertificateAuthority.createRoot(
                    "Untrusted Test", keyPair("untrusted-root-ca"), Duration.ofDays(365), Clock.systemUTC());
        }
        return untrustedCa;
    }

    // ---- the enrolment CA ------------------------------------------------------------------------------------

    /**
     * The online enrolment CA below the root (as {@code sc-pki issue enrolment-ca} makes it, key "enrolment-ca"),
     * made on first use: it signs appliance certificates only.
     */
    public synchronized CertificateAuthority enrolmentCa() {
        if (enrolmentCa == null) {
            KeyPair keys = keyPair("enrolment-ca");
            X509Certificate certificate = root.createEnrolmentCa(keys.getPublic(), Duration.ofDays(60));
            enrolmentCa = new CertificateAuthority(
                    certificate,
                    List.of(root.certificate()),
                    new SoftwareKeySigner(keys.getPrivate(), keys.getPublic()),
                    Clock.systemUTC());
        }
        return enrolmentCa;
    }

    /** An appliance certificate signed by the {@link #enrolmentCa()}; its chain is the enrolment CA and the root. */
    public Issued enrolled(String serial) {
        return issued(enrolmentCa(), CertificateIdentity.appliance(serial), keyPair("appliance"), LEAF_VALIDITY);
    }

    /** The enrolment CA's CRL listing {@code revoked}, signed now, next update in 30 days. */
    public X509CRL enrolmentRevocationList(List<Issued> revoked) {
        return enrolmentCa()
                .revocationList(
                        revoked.stream()
                                .map(issued -> new RevokedCertificate(
                                        issued.serialNumber(),
                                        Instant.now().minusSeconds(1),
                                        RevocationReason.KEY_COMPROMISE))
                                .toList(),
                        nextCrlNumber(),
                        LEAF_VALIDITY);
    }

    // ---- revocation lists ------------------------------------------------------------------------------------

    /** The issuing CA's CRL listing every certificate revoked so far, signed now, next update in 30 days. */
    public X509CRL revocationList() {
        return issuing.revocationList(revokedSoFar(), nextCrlNumber(), LEAF_VALIDITY);
    }

    /** A CRL the issuing CA signed 30 days ago with a next update 29 days ago: stale now. */
    public X509CRL staleRevocationList() {
        CertificateAuthority past =
                issuing.withClock(Clock.fixed(Instant.now().minus(Duration.ofDays(30)), ZoneOffset.UTC));
        return past.revocationList(List.of(), nextCrlNumber(), Duration.ofDays(1));
    }

    private synchronized List<RevokedCertificate> revokedSoFar() {
        return List.copyOf(revoked);
    }

    private BigInteger nextCrlNumber() {
        return BigInteger.valueOf(crlNumber.incrementAndGet());
    }

    private static Issued issued(
            CertificateAuthority ca, CertificateIdentity identity, KeyPair keys, Duration validity) {
        X509Certificate certificate = ca.issue(identity, keys.getPublic(), validity);
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(certificate);
        chain.addAll(ca.chain());
        return new Issued(keys, certificate, chain);
    }
}
