package dev.secureconnect.crypto.pki;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.testing.FuzzContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.CertificationRequest;
import org.bouncycastle.asn1.pkcs.CertificationRequestInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.jspecify.annotations.Nullable;

/**
 * Certificate signing requests as {@code sc-pki sign-csr} reads them from a file someone handed the PKI admin,
 * through {@link Pem#readCsr} and {@link CertificateSigningRequest#identityFor}: an identity of the role asked for,
 * or a {@link CryptoException} with a one-line message; nothing else escapes.
 *
 * <p>Input: byte 0 picks the role ({@code server}, {@code appliance}, {@code engineer}, {@code api-client}); byte 1
 * what the rest is: {@code S} the DER of a {@code CertificationRequestInfo}, whose key is replaced by {@link #KEYS}'
 * and which is then signed with it, so that the fuzzer reaches the identity checks behind the signature; {@code D}
 * the DER of a whole request; anything else the file's bytes.
 */
class CertificateSigningRequestFuzzTest {

    private static final CertificateRole[] ROLES = {
        CertificateRole.SERVER, CertificateRole.APPLIANCE, CertificateRole.ENGINEER, CertificateRole.API_CLIENT
    };
    private static final KeyPair KEYS = rsaKeys();
    private static final AlgorithmIdentifier SHA256_RSA =
            new DefaultSignatureAlgorithmIdentifierFinder().find("SHA256withRSA");
    private static final Path FILE = tempFile();

    @FuzzTest
    void readsOrRefusesOnOneLine(byte[] input) throws IOException {
        if (input.length < 2) {
            return;
        }
        CertificateRole role = ROLES[Math.floorMod(input[0], ROLES.length)];
        byte[] rest = Arrays.copyOfRange(input, 2, input.length);
        byte[] file =
                switch (input[1]) {
                    case 'S' -> signed(rest);
                    case 'D' -> pem(rest);
                    default -> rest;
                };
        if (file == null) {
            return;
        }
        Files.write(FILE, file);
        try {
            CertificateIdentity identity = Pem.readCsr(FILE).identityFor(role);
            assertThat(identity.role()).isEqualTo(role);
        } catch (CryptoException e) {
            FuzzContract.assertOneLineMessage(e);
        }
    }

    /** The request info in {@code der} with {@link #KEYS}' public key, signed, as PEM; null if it is no request info. */
    private static byte @Nullable [] signed(byte[] der) throws IOException {
        CertificationRequestInfo info;
        try {
            info = CertificationRequestInfo.getInstance(ASN1Primitive.fromByteArray(der));
        } catch (IOException | RuntimeException e) {
            return null; // not a CertificationRequestInfo: nothing to sign
        }
        if (info == null) {
            return null; // no ASN.1 object at all
        }
        CertificationRequestInfo withKey = new CertificationRequestInfo(
                info.getSubject(),
                SubjectPublicKeyInfo.getInstance(KEYS.getPublic().getEncoded()),
                info.getAttributes());
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(KEYS.getPrivate());
            signature.update(withKey.getEncoded());
            return pem(new CertificationRequest(withKey, SHA256_RSA, new DERBitString(signature.sign())).getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] pem(byte[] der) {
        return ("-----BEGIN CERTIFICATE REQUEST-----\n"
                        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                        + "\n-----END CERTIFICATE REQUEST-----\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static KeyPair rsaKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path tempFile() {
        try {
            Path file = Files.createTempFile("sc-fuzz-csr", ".pem");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
