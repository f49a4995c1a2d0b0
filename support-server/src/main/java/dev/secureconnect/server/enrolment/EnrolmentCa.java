package dev.secureconnect.server.enrolment;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.files.DurableFiles;
import dev.secureconnect.crypto.files.DurableFiles.Access;
import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.pki.CertificateAuthority;
import dev.secureconnect.crypto.pki.CertificateChainValidator;
import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.crypto.pki.CertificateRejectedException;
import dev.secureconnect.crypto.pki.CertificateRole;
import dev.secureconnect.crypto.pki.SoftwareKeySigner;
import dev.secureconnect.crypto.token.OwnerOnlyFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * The enrolment CA a support server holds online ({@code sc-pki issue enrolment-ca}) to sign appliance certificates
 * at enrolment and renewal, and nothing else (its certificate is name-constrained to appliance subjects; {@link
 * CertificateAuthority} refuses any other role).
 *
 * <pre>
 * DIR/keys/enrolment-ca.pem             its certificate
 * DIR/keys/enrolment-ca-key.pem         its key, PKCS#8 encrypted (PBKDF2-HMAC-SHA256, AES-256-CBC), mode 0600
 * DIR/keys/enrolment-ca.passphrase      the random passphrase of that key, mode 0600
 * </pre>
 *
 * <p>The key is encrypted at rest the way {@code sc-pki} keeps CA keys ({@link Pem#encryptedPrivateKey}), under a
 * random passphrase made at import and kept in a file of its own, so that a copy of the key file (a backup, a copied
 * folder) without the passphrase file is useless. The certificate is written last: its presence means a complete
 * import.
 */
public final class EnrolmentCa {

    public static final String CERT = "keys/enrolment-ca.pem";
    public static final String KEY = "keys/enrolment-ca-key.pem";
    public static final String PASSPHRASE = "keys/enrolment-ca.passphrase";

    private static final String WHAT = "enrolment CA key";
    private static final SecureRandom RANDOM = new SecureRandom();

    private EnrolmentCa() {}

    /** Whether {@code serverDir} holds an enrolment CA. */
    public static boolean presentIn(Path serverDir) {
        return Files.isRegularFile(serverDir.resolve(CERT));
    }

    /**
     * Takes the enrolment CA that {@code sc-pki issue enrolment-ca --out FROM} wrote ({@code cert.pem}, {@code
     * key.pem}) into {@code serverDir}, after checking that it is an enrolment CA below one of {@code roots} (the
     * server's trust anchors), valid now, and that the key belongs to it.
     *
     * @param replace whether an enrolment CA already there may be replaced
     * @return the enrolment CA's certificate
     * @throws EnrolmentException one line naming what is wrong, before anything is written
     */
    public static X509Certificate importInto(
            Path serverDir, Path from, List<X509Certificate> roots, boolean replace, Clock clock) {
        Path certFile = from.resolve("cert.pem");
        Path keyFile = from.resolve("key.pem");
        for (Path file : List.of(certFile, keyFile)) {
            if (!Files.isRegularFile(file)) {
                throw new EnrolmentException(from + " holds no enrolment CA (" + file.getFileName()
                        + " is missing): make one with 'sc-pki issue enrolment-ca --dir CA --out " + from + "'");
            }
        }
        if (presentIn(serverDir) && !replace) {
            X509Certificate current = Pem.readCertificate(serverDir.resolve(CERT));
            throw new EnrolmentException(serverDir + " already holds an enrolment CA ("
                    + current.getSubjectX500Principal().getName() + ", until "
                    + current.getNotAfter().toInstant() + "): pass --replace to switch to the new one");
        }
        X509Certificate certificate = Pem.readCertificate(certFile);
        CertificateRole role = CertificateIdentity.of(certificate).role();
        if (role != CertificateRole.ENROLMENT_CA) {
            throw new EnrolmentException(certFile + " is the certificate of a " + role.label()
                    + ", not of an enrolment CA: make one with 'sc-pki issue enrolment-ca'");
        }
        try {
            CertificateChainValidator.withoutRevocationCheck(roots, List.of())
                    .validate(List.of(certificate), clock.instant());
        } catch (CertificateRejectedException e) {
            throw new EnrolmentException(
                    certFile + " is not an enrolment CA of this server's root CA: " + e.getMessage(), e);
        }
        PrivateKey key = Pem.readPrivateKey(keyFile, null);
        new CertificateAuthority(
                certificate, roots.subList(0, 1), new SoftwareKeySigner(key, certificate.getPublicKey()), clock);

        char[] passphrase = randomPassphrase();
        try {
            write(serverDir.resolve(PASSPHRASE), new String(passphrase).getBytes(US_ASCII), Access.OWNER_ONLY);
            write(
                    serverDir.resolve(KEY),
                    Pem.encryptedPrivateKey(key, passphrase).getBytes(US_ASCII),
                    Access.OWNER_ONLY);
            write(
                    serverDir.resolve(CERT),
                    Pem.certificates(List.of(certificate)).getBytes(US_ASCII),
                    Access.READABLE);
        } finally {
            Arrays.fill(passphrase, '\0');
        }
        return certificate;
    }

    /**
     * The enrolment CA of {@code serverDir}, its key decrypted, ready to sign appliance certificates.
     *
     * @param root the root CA certificate above it (the server's trust anchor)
     * @throws EnrolmentException when the server has none, or its files cannot be used
     */
    public static CertificateAuthority load(Path serverDir, X509Certificate root, Clock clock) {
        requireNonNull(root, "root");
        if (!presentIn(serverDir)) {
            throw new EnrolmentException(serverDir + " holds no enrolment CA: give it one with 'sc-server enrolment-ca"
                    + " import --dir " + serverDir + " --from DIR' (made by 'sc-pki issue enrolment-ca')");
        }
        Path passphraseFile = serverDir.resolve(PASSPHRASE);
        OwnerOnlyFiles.requireOwnerOnly(serverDir.resolve(KEY), WHAT);
        OwnerOnlyFiles.requireOwnerOnly(passphraseFile, WHAT + " passphrase");
        char[] passphrase;
        try {
            passphrase = new String(OwnerOnlyFiles.read(passphraseFile), US_ASCII)
                    .strip()
                    .toCharArray();
        } catch (IOException e) {
            throw new EnrolmentException(passphraseFile + " cannot be read: " + e.getMessage(), e);
        }
        try {
            X509Certificate certificate = Pem.readCertificate(serverDir.resolve(CERT));
            PrivateKey key = Pem.readPrivateKey(serverDir.resolve(KEY), passphrase);
            return new CertificateAuthority(
                    certificate, List.of(root), new SoftwareKeySigner(key, certificate.getPublicKey()), clock);
        } catch (CryptoException e) {
            throw new EnrolmentException("the enrolment CA in " + serverDir + " cannot be used: " + e.getMessage(), e);
        } finally {
            Arrays.fill(passphrase, '\0');
        }
    }

    private static char[] randomPassphrase() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).toCharArray();
    }

    private static void write(Path file, byte[] content, Access access) {
        try {
            Files.createDirectories(file.getParent());
            DurableFiles.write(file, content, access);
        } catch (IOException e) {
            throw new EnrolmentException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
