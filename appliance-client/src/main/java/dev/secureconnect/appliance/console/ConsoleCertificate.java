package dev.secureconnect.appliance.console;

import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.config.ApplianceConfig;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.keys.RsaKeyPairs;
import dev.secureconnect.crypto.keys.RsaKeySize;
import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.pki.CertificateAuthority;
import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.crypto.tls.KeyMaterial;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's TLS certificate: the admin's ({@code console.certificate} and {@code console.key}), or a self-signed
 * one for {@code localhost} / {@code 127.0.0.1} / {@code ::1} made at first start in {@code DIR/console/} (a
 * throw-away root that signs one server certificate; the browser is asked to trust it once).
 */
final class ConsoleCertificate {

    private static final Logger log = LoggerFactory.getLogger(ConsoleCertificate.class);
    static final String SELF_SIGNED_CERTIFICATE = "console/cert.pem";
    static final String SELF_SIGNED_KEY = "console/key.pem";
    /** Browsers refuse server certificates valid for longer than 398 days. */
    static final Duration VALIDITY = Duration.ofDays(397);

    private ConsoleCertificate() {}

    /** The console's key and certificate chain, made (and kept) when none is configured or kept yet. */
    static KeyMaterial load(ApplianceDirectory directory, ApplianceConfig.Console settings, Clock clock) {
        String certificate = settings.certificate();
        String key = settings.key();
        try {
            if (certificate != null && key != null) {
                return KeyMaterial.load(directory.resolve(certificate), directory.resolve(key), null);
            }
            Path certificateFile = directory.resolve(SELF_SIGNED_CERTIFICATE);
            Path keyFile = directory.resolve(SELF_SIGNED_KEY);
            if (Files.exists(certificateFile) && Files.exists(keyFile)) {
                KeyMaterial kept = KeyMaterial.load(certificateFile, keyFile, null);
                if (kept.certificate()
                        .getNotAfter()
                        .toInstant()
                        .isAfter(clock.instant().plus(Duration.ofDays(1)))) {
                    return kept;
                }
                log.info("the console's self-signed certificate expires soon: making a new one");
            }
            return create(directory, certificateFile, keyFile, clock);
        } catch (CryptoException e) {
            throw new ApplianceException("console: " + OneLine.of(e.getMessage()), e);
        }
    }

    private static KeyMaterial create(ApplianceDirectory directory, Path certificateFile, Path keyFile, Clock clock) {
        try {
            Files.createDirectories(certificateFile.getParent());
        } catch (java.io.IOException e) {
            throw new ApplianceException("cannot create " + certificateFile.getParent() + ": " + e.getMessage(), e);
        }
        KeyPair rootKeys = RsaKeyPairs.generate(RsaKeySize.DEFAULT);
        CertificateAuthority root =
                CertificateAuthority.createRoot("SecureConnect appliance console", rootKeys, VALIDITY, clock);
        KeyPair keys = RsaKeyPairs.generate(RsaKeySize.DEFAULT);
        X509Certificate leaf = root.issue(
                CertificateIdentity.server(List.of("localhost"), List.of("127.0.0.1", "::1")),
                keys.getPublic(),
                VALIDITY.minusDays(1));
        directory.replaceFile(keyFile, Pem.privateKey(keys.getPrivate()).getBytes(StandardCharsets.US_ASCII));
        directory.replaceFile(
                certificateFile,
                Pem.certificates(List.of(leaf, root.certificate())).getBytes(StandardCharsets.US_ASCII));
        log.info("made the console's self-signed certificate {}", certificateFile);
        return new KeyMaterial(keys.getPrivate(), List.of(leaf, root.certificate()));
    }
}
