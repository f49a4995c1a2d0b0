package dev.secureconnect.appliance.config;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.files.DurableFiles;
import dev.secureconnect.crypto.files.DurableFiles.Access;
import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.pki.CertificateChainValidator;
import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.crypto.pki.CertificateRole;
import dev.secureconnect.crypto.tls.KeyMaterial;
import dev.secureconnect.crypto.tls.TrustMaterial;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code sc-appliance init}: checks the appliance's certificate, key, chain and CA, then sets up the appliance
 * directory — the TLS files copied into {@code DIR/tls} (the key mode 0600), {@code state.json} (disabled) and
 * {@code appliance.json} last. Everything is checked before anything is written, and a failure while writing removes
 * what was written, so a refused {@code init} leaves no trace.
 */
public final class Enrolment {

    /** What {@code init} was given. */
    public record Request(Path dir, ServerAddress server, Path certificate, Path key, Path chain, Path ca) {
        public Request {
            requireNonNull(dir, "dir");
            requireNonNull(server, "server");
            requireNonNull(certificate, "certificate");
            requireNonNull(key, "key");
            requireNonNull(chain, "chain");
            requireNonNull(ca, "ca");
        }
    }

    /** The checked material of an appliance: its key and chain, and the CAs it trusts for the server. */
    public record Material(KeyMaterial keys, TrustMaterial trust, CertificateIdentity identity) {
        public String serial() {
            return identity.id();
        }
    }

    private Enrolment() {}

    /**
     * Sets up {@code request.dir()}.
     *
     * @return the appliance's serial, read from its certificate
     * @throws ApplianceException naming the first problem; nothing is written then
     */
    public static String init(Request request, Clock clock) {
        ApplianceDirectory directory = ApplianceDirectory.uninitialised(request.dir());
        Path root = directory.root();
        if (Files.exists(root) && !Files.isDirectory(root)) {
            throw new ApplianceException(request.dir() + " exists and is not a directory: choose another --dir");
        }
        if (Files.exists(directory.configFile())) {
            throw new ApplianceException(request.dir() + " is already set up (it has " + ApplianceDirectory.CONFIG_FILE
                    + "): choose another --dir or remove the old one first");
        }
        Material material = check(request.certificate(), request.key(), request.chain(), request.ca(), clock);
        write(directory, request);
        return material.serial();
    }

    /**
     * Checks the TLS files of an appliance: each one readable and well-formed, the certificate an appliance certificate
     * whose key is the given key, chaining through {@code chain} to a root in {@code ca}, valid now.
     *
     * @throws ApplianceException naming the file and what is wrong with it
     */
    public static Material check(Path certificate, Path key, Path chain, Path ca, Clock clock) {
        requireReadable(certificate, "certificate");
        requireReadable(key, "private key");
        requireReadable(chain, "certificate chain");
        requireReadable(ca, "CA certificate");
        try {
            List<X509Certificate> roots = Pem.readCertificates(ca);
            List<X509Certificate> intermediates = Pem.readCertificates(chain);
            KeyMaterial own = KeyMaterial.load(certificate, key, null);
            // sent to the server: the certificate's own path only; the chain file may also hold CAs the appliance
            // needs to check engineers' certificates (an enrolled appliance's enrolment CA beside the issuing CA)
            KeyMaterial keys = new KeyMaterial(own.privateKey(), pathOf(own.chain(), intermediates));
            CertificateIdentity identity;
            try {
                identity = CertificateIdentity.of(keys.certificate());
            } catch (CryptoException e) {
                throw new ApplianceException(
                        certificate + " is not a SecureConnect appliance certificate: " + e.getMessage(), e);
            }
            if (identity.role() != CertificateRole.APPLIANCE) {
                throw new ApplianceException(certificate + " is the "
                        + identity.role().label() + " certificate of "
                        + identity.describe() + ", not an appliance certificate: give the certificate sc-pki issued"
                        + " for this appliance");
            }
            TrustMaterial trust;
            try {
                trust = TrustMaterial.withoutRevocationCheck(roots, intermediates);
            } catch (CryptoException e) {
                throw new ApplianceException(ca + " or " + chain + ": " + e.getMessage(), e);
            }
            try {
                CertificateChainValidator.withoutRevocationCheck(roots, intermediates)
                        .validate(keys.chain(), clock.instant());
            } catch (CryptoException e) {
                throw new ApplianceException(
                        certificate + " does not chain to the CA in " + ca + ": " + e.getMessage(), e);
            }
            return new Material(keys, trust, identity);
        } catch (ApplianceException e) {
            throw e;
        } catch (CryptoException e) {
            throw new ApplianceException(e.getMessage(), e);
        }
    }

    /** The material named in an initialised directory's {@code appliance.json}, checked as {@code init} checked it. */
    public static Material load(ApplianceDirectory directory, ApplianceConfig config, Clock clock) {
        ApplianceConfig.Files files = config.files();
        return check(
                directory.resolve(files.certificate()),
                directory.resolve(files.key()),
                directory.resolve(files.chain()),
                directory.resolve(files.ca()),
                clock);
    }

    /**
     * The certificates of the certificate file ({@code own}, the certificate first), then each CA of {@code cas} that
     * issued the one before, in that order (certificates in both are sent once).
     */
    private static List<X509Certificate> pathOf(List<X509Certificate> own, List<X509Certificate> cas) {
        List<X509Certificate> path = new ArrayList<>(own);
        List<X509Certificate> left = new ArrayList<>(cas);
        left.removeAll(own);
        while (!left.isEmpty()) {
            X509Certificate last = path.get(path.size() - 1);
            if (last.getSubjectX500Principal().equals(last.getIssuerX500Principal())) {
                break; // a root
            }
            X509Certificate issuer = left.stream()
                    .filter(ca -> ca.getSubjectX500Principal().equals(last.getIssuerX500Principal()))
                    .findFirst()
                    .orElse(null);
            if (issuer == null) {
                break;
            }
            path.add(issuer);
            left.remove(issuer);
        }
        return path;
    }

    private static void requireReadable(Path file, String what) {
        if (!Files.exists(file)) {
            throw new ApplianceException("the " + what + " file " + file + " does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new ApplianceException("the " + what + " file " + file + " is not a regular file");
        }
        if (!Files.isReadable(file)) {
            throw new ApplianceException("the " + what + " file " + file
                    + " cannot be read by this user: check its owner" + " and permissions");
        }
    }

    private static void write(ApplianceDirectory directory, Request request) {
        Path root = directory.root();
        List<Path> created = new ArrayList<>();
        try {
            if (!Files.exists(root)) {
                Path parent = root.getParent();
                if (parent != null && !Files.isDirectory(parent)) {
                    throw new ApplianceException(
                            "cannot create " + request.dir() + ": its parent folder " + parent + " does not exist");
                }
                Files.createDirectory(
                        root, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                created.add(root);
            }
            ApplianceConfig config = ApplianceConfig.defaults(request.server());
            ApplianceConfig.Files files = config.files();
            Path tls = requireNonNull(directory.resolve(files.certificate()).getParent(), "tls folder");
            Path staging = Files.createTempDirectory(
                    root, ".tls-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            created.add(staging);
            copy(request.certificate(), staging.resolve(fileName(files.certificate())), false);
            copy(request.key(), staging.resolve(fileName(files.key())), true);
            copy(request.chain(), staging.resolve(fileName(files.chain())), false);
            copy(request.ca(), staging.resolve(fileName(files.ca())), false);
            if (Files.exists(tls)) {
                deleteTree(tls); // left by an init that failed after this step: appliance.json is missing
            }
            Files.move(staging, tls, StandardCopyOption.ATOMIC_MOVE);
            created.remove(staging);
            created.add(tls);
            DurableFiles.forceDirectory(root);
            created.add(directory.lockFile());
            directory.writeState(ApplianceState.INITIAL);
            created.add(directory.stateFile());
            directory.writeConfig(config); // last: its presence marks the directory as set up
        } catch (IOException | RuntimeException e) {
            for (int i = created.size() - 1; i >= 0; i--) {
                try {
                    deleteTree(created.get(i));
                } catch (IOException cleanup) {
                    e.addSuppressed(cleanup);
                }
            }
            if (e instanceof ApplianceException refusal) {
                throw refusal;
            }
            if (e instanceof FileAlreadyExistsException) {
                throw new ApplianceException(
                        "cannot set up " + request.dir() + ": " + e.getMessage() + " already exists", e);
            }
            throw new ApplianceException(
                    "cannot set up " + request.dir() + ": " + e.getMessage() + " (nothing was left behind)", e);
        }
    }

    private static String fileName(String path) {
        return Path.of(path).getFileName().toString();
    }

    private static void copy(Path from, Path to, boolean ownerOnly) throws IOException {
        DurableFiles.write(to, Files.readAllBytes(from), ownerOnly ? Access.OWNER_ONLY : Access.READABLE);
    }

    private static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(path)) {
            for (Path each : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(each);
            }
        }
    }
}
