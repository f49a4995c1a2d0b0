package dev.secureconnect.appliance.renewal;

import dev.secureconnect.appliance.config.Enrolment;
import dev.secureconnect.appliance.config.ServerAddress;
import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.crypto.pki.CertificateSigningRequest;
import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.testing.PkiFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * An appliance directory set up as {@code sc-appliance enrol} leaves it: its certificate signed by the test PKI's
 * enrolment CA (or, for a hand-made one, by the issuing CA), and the server's half of a renewal: signing a request.
 */
public final class RenewalFixture {

    private RenewalFixture() {}

    /** Sets up {@code dir} for appliance {@code serial} with an enrolled certificate; its files are staged in {@code work}. */
    public static void enrolled(Path work, Path dir, String serial) {
        TestPki pki = TestPki.shared();
        setUp(work, dir, pki.enrolled(serial), pki.enrolmentCa().certificate());
    }

    /** Sets up {@code dir} with a certificate made by hand (sc-pki, the issuing CA). */
    public static void handMade(Path work, Path dir, String serial) {
        TestPki pki = TestPki.shared();
        setUp(work, dir, pki.appliance(serial), pki.issuingCertificate());
    }

    private static void setUp(Path work, Path dir, TestPki.Issued issued, X509Certificate issuer) {
        PkiFiles files = PkiFiles.write(work, issued);
        try {
            Files.writeString(files.chain(), Pem.certificates(List.of(issuer)), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Enrolment.init(
                new Enrolment.Request(
                        dir,
                        new ServerAddress("support.example.com", 8443),
                        files.cert(),
                        files.key(),
                        files.chain(),
                        files.ca()),
                Clock.systemUTC());
    }

    /** The public key of a PEM certificate request. */
    public static PublicKey keyOf(String csrPem) {
        return new CertificateSigningRequest((PKCS10CertificationRequest)
                        Pem.parse(csrPem, "the request").get(0))
                .publicKey();
    }

    /** What the server sends: {@code key}'s certificate for {@code serial} from the enrolment CA, its chain, PEM. */
    public static String signed(String serial, PublicKey key) {
        TestPki pki = TestPki.shared();
        X509Certificate certificate =
                pki.enrolmentCa().issue(CertificateIdentity.appliance(serial), key, Duration.ofDays(20));
        return Pem.certificates(List.of(certificate, pki.enrolmentCa().certificate(), pki.rootCertificate()));
    }
}
