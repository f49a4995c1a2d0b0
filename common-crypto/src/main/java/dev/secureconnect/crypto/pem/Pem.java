package dev.secureconnect.crypto.pem;

import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.pki.CertificateSigningRequest;
import dev.secureconnect.crypto.text.OneLine;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.util.io.pem.PemGenerationException;
import org.jspecify.annotations.Nullable;

/**
 * PEM (RFC 7468) text for certificates, CRLs, CSRs and PKCS#8 private keys, as OpenSSL reads and writes it.
 *
 * <p>Encrypted private keys are PKCS#8 {@code ENCRYPTED PRIVATE KEY} with PBES2: PBKDF2-HMAC-SHA256 and
 * AES-256-CBC. Every read error names the file and what was expected in it.
 */
public final class Pem {

    /** PBKDF2 iterations for encrypted private keys. */
    static final int PBKDF2_ITERATIONS = 210_000;

    private static final Provider BC = new BouncyCastleProvider();

    private Pem() {}

    // ---- writing -----------------------------------------------------------------------------------------

    public static String certificates(List<X509Certificate> certificates) {
        return encode(certificates.toArray());
    }

    public static String crl(X509CRL crl) {
        return encode(crl);
    }

    public static String csr(CertificateSigningRequest request) {
        return encode(request.request());
    }

    /** An unencrypted PKCS#8 {@code PRIVATE KEY}: keep the file readable by its owner only. */
    public static String privateKey(PrivateKey key) {
        try {
            return encode(new JcaPKCS8Generator(key, null));
        } catch (PemGenerationException e) {
            throw new CryptoException("cannot encode the private key: " + e.getMessage(), e);
        }
    }

    /** A PKCS#8 {@code ENCRYPTED PRIVATE KEY} under {@code passphrase} (PBKDF2-HMAC-SHA256, AES-256-CBC). */
    public static String encryptedPrivateKey(PrivateKey key, char[] passphrase) {
        try {
            JceOpenSSLPKCS8EncryptorBuilder builder =
                    new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC);
            builder.setProvider(BC);
            builder.setPRF(JcaPKCS8Generator.PRF_HMACSHA256);
            builder.setIterationCount(PBKDF2_ITERATIONS);
            builder.setPassword(passphrase);
            OutputEncryptor encryptor = builder.build();
            return encode(new JcaPKCS8Generator(key, encryptor));
        } catch (OperatorCreationException | PemGenerationException e) {
            throw new CryptoException("cannot encrypt the private key: " + e.getMessage(), e);
        }
    }

    private static String encode(Object... objects) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            for (Object object : objects) {
                if (object instanceof JcaPKCS8Generator generator) {
                    writer.writeObject(generator);
                } else {
                    writer.writeObject(new JcaMiscPEMGenerator(object));
                }
            }
        } catch (IOException e) {
            throw new CryptoException("cannot write PEM: " + e.getMessage(), e);
        }
        return text.toString();
    }

    // ---- reading -----------------------------------------------------------------------------------------

    /** Every certificate in a PEM file, in file order; at least one. */
    public static List<X509Certificate> readCertificates(Path file) {
        List<X509Certificate> certificates = new ArrayList<>();
        for (Object object : parse(file)) {
            if (object instanceof X509CertificateHolder holder) {
                try {
                    certificates.add(new JcaX509CertificateConverter().getCertificate(holder));
                } catch (GeneralSecurityException e) {
                    throw new CryptoException(
                            file + " holds a certificate that cannot be decoded: " + e.getMessage(), e);
                }
            }
        }
        if (certificates.isEmpty()) {
            throw new CryptoException(file + " holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)");
        }
        return List.copyOf(certificates);
    }

    /** The first certificate in a PEM file. */
    public static X509Certificate readCertificate(Path file) {
        return readCertificates(file).get(0);
    }

    public static X509CRL readCrl(Path file) {
        for (Object object : parse(file)) {
            if (object instanceof X509CRLHolder holder) {
                try {
                    return new JcaX509CRLConverter().getCRL(holder);
                } catch (GeneralSecurityException e) {
                    throw new CryptoException(file + " holds a CRL that cannot be decoded: " + e.getMessage(), e);
                }
            }
        }
        throw new CryptoException(file + " holds no PEM CRL (expected -----BEGIN X509 CRL-----)");
    }

    public static CertificateSigningRequest readCsr(Path file) {
        for (Object object : parse(file)) {
            if (object instanceof PKCS10CertificationRequest request) {
                return new CertificateSigningRequest(request);
            }
        }
        throw new CryptoException(
                file + " holds no PEM certificate request (expected -----BEGIN CERTIFICATE REQUEST-----)");
    }

    /**
     * Reads a private key: PKCS#8 (plain or encrypted) or a traditional OpenSSL RSA key.
     *
     * @param passphrase for an encrypted key; may be null for a plain one
     */
    public static PrivateKey readPrivateKey(Path file, char @Nullable [] passphrase) {
        for (Object object : parse(file)) {
            try {
                if (object instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
                    if (passphrase == null) {
                        throw new CryptoException(file + " is encrypted: a passphrase is needed to read it");
                    }
                    PrivateKeyInfo info = encrypted.decryptPrivateKeyInfo(new JceOpenSSLPKCS8DecryptorProviderBuilder()
                            .setProvider(BC)
                            .build(passphrase));
                    return converter().getPrivateKey(info);
                }
                if (object instanceof PrivateKeyInfo info) {
                    return converter().getPrivateKey(info);
                }
                if (object instanceof PEMKeyPair pair) {
                    return converter().getKeyPair(pair).getPrivate();
                }
            } catch (PKCSException e) {
                throw new CryptoException("wrong passphrase for the encrypted key " + file, e);
            } catch (OperatorCreationException | IOException e) {
                throw new CryptoException(file + " holds a private key that cannot be read: " + e.getMessage(), e);
            }
        }
        throw new CryptoException(file + " holds no PEM private key (expected -----BEGIN PRIVATE KEY----- or"
                + " -----BEGIN ENCRYPTED PRIVATE KEY-----)");
    }

    private static JcaPEMKeyConverter converter() {
        return new JcaPEMKeyConverter();
    }

    /** Reads text as PEM, for callers that hold it in memory (tests, network peers). */
    public static List<Object> parse(String text, String origin) {
        return parse(new StringReader(text), origin);
    }

    private static List<Object> parse(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new CryptoException(file + " does not exist", e);
        } catch (IOException e) {
            throw new CryptoException(file + " cannot be read: " + e.getMessage(), e);
        }
        return parse(new StringReader(text), file.toString());
    }

    private static List<Object> parse(Reader reader, String origin) {
        List<Object> objects = new ArrayList<>();
        try (PEMParser parser = new PEMParser(reader)) {
            Object object;
            while ((object = parser.readObject()) != null) {
                objects.add(object);
            }
        } catch (IOException | RuntimeException e) {
            throw new CryptoException(origin + " is not valid PEM (corrupted or truncated): " + OneLine.reason(e), e);
        }
        if (objects.isEmpty()) {
            throw new CryptoException(origin + " holds no PEM block (expected -----BEGIN …----- lines)");
        }
        return objects;
    }
}
