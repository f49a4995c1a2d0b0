package dev.secureconnect.appliance.renewal;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.config.ApplianceConfig;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.appliance.config.Enrolment;
import dev.secureconnect.appliance.enrol.CodeEnrolment;
import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.files.DurableFiles;
import dev.secureconnect.crypto.files.DurableFiles.Access;
import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.pki.CertificateFingerprint;
import dev.secureconnect.crypto.text.OneLine;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.RSAPublicKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The appliance's certificate files and their renewal, in the folder of its key ({@code tls/}):
 *
 * <ul>
 *   <li>the current certificate and key, as {@code appliance.json files} names them;
 *   <li>{@value #PENDING_KEY} (0600): the new key of a renewal asked for and not answered yet;
 *   <li>{@value #RENEWED_CERTIFICATE} and {@value #RENEWED_KEY} (0600): a renewed certificate installed and its key,
 *       not yet proven on a link (the old pair is kept meanwhile);
 *   <li>once the renewed certificate has carried a link the server admitted, it is copied to
 *       {@code cert-<fingerprint>.pem} / {@code key-<fingerprint>.pem} and {@code appliance.json} is changed to name
 *       them: that one atomic write is the switch; the old pair and the renewed files are removed after it.
 * </ul>
 *
 * Every file is written atomically; a step interrupted by a crash is taken up again (a pending key is asked for again,
 * a renewed pair already named by {@code appliance.json} is only cleared). Blocking: never call it on an event loop.
 */
public final class ApplianceCertificate {

    private static final Logger log = LoggerFactory.getLogger(ApplianceCertificate.class);

    static final String PENDING_KEY = "renewal-key.pem";
    static final String RENEWED_CERTIFICATE = "renewed-cert.pem";
    static final String RENEWED_KEY = "renewed-key.pem";

    /** A renewed certificate just installed. */
    public record Installed(String oldFingerprint, String fingerprint, Instant until, Enrolment.Material material) {}

    private final ApplianceDirectory directory;
    private final Clock clock;

    public ApplianceCertificate(ApplianceDirectory directory, Clock clock) {
        this.directory = requireNonNull(directory, "directory");
        this.clock = requireNonNull(clock, "clock");
    }

    /** The certificate {@code appliance.json} names, checked as {@code init} checks it. */
    public Enrolment.Material current() {
        return Enrolment.load(directory, directory.config(), clock);
    }

    /**
     * The renewed certificate installed and not yet proven, checked (its key, its chain to the pinned root, valid now);
     * empty when there is none or it no longer checks.
     */
    public Optional<Enrolment.Material> renewed() {
        ApplianceConfig.Files files = directory.config().files();
        Path certificate = file(RENEWED_CERTIFICATE);
        Path key = file(RENEWED_KEY);
        if (!Files.isRegularFile(certificate) || !Files.isRegularFile(key)) {
            return Optional.empty();
        }
        try {
            Enrolment.Material renewed = Enrolment.check(
                    certificate, key, directory.resolve(files.chain()), directory.resolve(files.ca()), clock);
            X509Certificate configured = Pem.readCertificate(directory.resolve(files.certificate()));
            if (renewed.keys().certificate().equals(configured)) { // switched before a crash: only the clearing is left
                delete(certificate, key);
                return Optional.empty();
            }
            return Optional.of(renewed);
        } catch (ApplianceException | CryptoException e) {
            log.warn(
                    "appliance: the renewed certificate in {} is not used: {}",
                    certificate,
                    OneLine.of(e.getMessage()));
            return Optional.empty();
        }
    }

    /**
     * The certificate request of appliance {@code serial} for the pending key, made (as enrolment makes it) and stored
     * first when none is pending.
     */
    public String request(String serial) {
        Path pending = file(PENDING_KEY);
        KeyPair keys;
        try {
            if (Files.isRegularFile(pending)) {
                keys = keyPairOf(Pem.readPrivateKey(pending, null));
            } else {
                keys = CodeEnrolment.newKeyPair();
                DurableFiles.write(pending, Pem.privateKey(keys.getPrivate()).getBytes(US_ASCII), Access.OWNER_ONLY);
            }
        } catch (IOException | CryptoException e) {
            throw new ApplianceException(
                    "cannot keep the renewal's new key in " + pending + ": " + OneLine.of(e.getMessage()), e);
        }
        return Pem.csr(CodeEnrolment.request(serial, keys));
    }

    /** Forgets the pending key (the server refused its request, or its certificate was refused here). */
    public void dropRequest() {
        delete(file(PENDING_KEY));
    }

    /** Forgets a renewed certificate that did not work on a link (the old one stays). */
    public void dropRenewed() {
        delete(file(RENEWED_CERTIFICATE), file(RENEWED_KEY));
    }

    /**
     * Installs the certificate the server signed for the pending key, {@code certificates} (PEM: the certificate, then
     * its chain), beside the {@code old} one: it must belong to the pending key, be this appliance's and chain to the
     * pinned root, valid now (what {@code init} and {@code enrol} check).
     *
     * @throws RenewalRefusedException with a one-line reason when it does not; nothing is written then
     */
    public Installed install(String certificates, Enrolment.Material old) {
        Path pending = file(PENDING_KEY);
        if (!Files.isRegularFile(pending)) {
            throw new RenewalRefusedException(
                    "no renewal is pending on this appliance (its new key is gone): the certificate was not installed");
        }
        ApplianceConfig.Files files = directory.config().files();
        Path staged = null;
        try {
            Path folder = file(".");
            staged = Files.createTempFile(folder, ".renewed-cert", ".pem");
            Files.writeString(staged, certificates, UTF_8); // anything but PEM is refused as it is read
            List<X509Certificate> path = Pem.readCertificates(staged).stream()
                    .filter(c -> !c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) // the pinned root
                    .toList();
            if (path.isEmpty()) {
                throw new RenewalRefusedException("the server sent no appliance certificate");
            }
            Files.writeString(staged, Pem.certificates(path), US_ASCII);
            Enrolment.Material renewed;
            try {
                renewed = Enrolment.check(
                        staged, pending, directory.resolve(files.chain()), directory.resolve(files.ca()), clock);
            } catch (ApplianceException e) {
                throw new RenewalRefusedException("the renewed certificate does not check: "
                        + OneLine.of(String.valueOf(e.getMessage()).replace(staged.toString(), "it")));
            }
            if (!renewed.serial().equals(old.serial())) {
                throw new RenewalRefusedException(
                        "the renewed certificate is for appliance " + renewed.serial() + ", not " + old.serial());
            }
            DurableFiles.move(staged, file(RENEWED_CERTIFICATE));
            DurableFiles.move(pending, file(RENEWED_KEY));
            X509Certificate certificate = renewed.keys().certificate();
            return new Installed(
                    fingerprint(old.keys().certificate()),
                    fingerprint(certificate),
                    certificate.getNotAfter().toInstant(),
                    renewed);
        } catch (CryptoException e) {
            throw new RenewalRefusedException("the server's certificate cannot be read: " + OneLine.reason(e));
        } catch (IOException e) {
            throw new ApplianceException(
                    "cannot write the renewed certificate in " + file(".") + ": " + OneLine.of(e.getMessage()), e);
        } finally {
            if (staged != null) {
                delete(staged);
            }
        }
    }

    /**
     * The renewed certificate has carried a link the server admitted: {@code appliance.json} names it from now on (one
     * atomic write), then the old pair and the renewed files are removed.
     *
     * @return the material now current
     */
    public Enrolment.Material promote() {
        Enrolment.Material renewed = renewed().orElse(null);
        if (renewed == null) {
            return current();
        }
        ApplianceConfig.Files files = directory.config().files();
        String tag = fingerprint(renewed.keys().certificate())
                .replace(":", "")
                .substring(0, 16)
                .toLowerCase();
        Path certificate = file("cert-" + tag + ".pem");
        Path key = file("key-" + tag + ".pem");
        Path oldCertificate = directory.resolve(files.certificate());
        Path oldKey = directory.resolve(files.key());
        try {
            DurableFiles.write(certificate, Files.readAllBytes(file(RENEWED_CERTIFICATE)), Access.READABLE);
            DurableFiles.write(key, Files.readAllBytes(file(RENEWED_KEY)), Access.OWNER_ONLY);
        } catch (IOException e) {
            throw new ApplianceException(
                    "cannot switch to the renewed certificate in " + file(".") + ": " + OneLine.of(e.getMessage()), e);
        }
        directory.updateConfig(config -> config.withFiles(new ApplianceConfig.Files(
                named(certificate),
                named(key),
                config.files().chain(),
                config.files().ca())));
        delete(file(RENEWED_CERTIFICATE), file(RENEWED_KEY));
        if (oldCertificate.toAbsolutePath().startsWith(directory.root().toAbsolutePath())) {
            delete(oldCertificate, oldKey);
        }
        return current();
    }

    static String fingerprint(X509Certificate certificate) {
        return CertificateFingerprint.of(certificate).colonHex();
    }

    /** A file in the folder of the current key. */
    Path file(String name) {
        Path key = directory.resolve(directory.config().files().key()).toAbsolutePath();
        return requireNonNull(key.getParent(), "a key file has a folder")
                .resolve(name)
                .normalize();
    }

    /** How {@code appliance.json} names {@code file}: relative to the directory when inside it. */
    private String named(Path file) {
        Path root = directory.root().toAbsolutePath();
        return file.startsWith(root) ? root.relativize(file).toString() : file.toString();
    }

    private static KeyPair keyPairOf(PrivateKey key) {
        if (!(key instanceof RSAPrivateCrtKey rsa)) {
            throw new CryptoException("the pending key is not an RSA key");
        }
        try {
            BigInteger modulus = rsa.getModulus();
            return new KeyPair(
                    KeyFactory.getInstance("RSA")
                            .generatePublic(new RSAPublicKeySpec(modulus, rsa.getPublicExponent())),
                    key);
        } catch (GeneralSecurityException e) {
            throw new CryptoException("the pending key's public half cannot be made: " + e.getMessage(), e);
        }
    }

    private static void delete(Path... files) {
        for (Path file : files) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new ApplianceException("cannot remove " + file + ": " + OneLine.of(e.getMessage()), e);
            }
        }
    }
}
