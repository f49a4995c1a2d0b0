package dev.secureconnect.pki.ca;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.files.DurableFiles;
import dev.secureconnect.crypto.files.DurableFiles.Access;
import dev.secureconnect.crypto.json.Mappers;
import dev.secureconnect.crypto.keys.RsaKeyPairs;
import dev.secureconnect.crypto.keys.RsaKeySize;
import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.pki.CertificateAuthority;
import dev.secureconnect.crypto.pki.CertificateFingerprint;
import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.crypto.pki.RevocationReason;
import dev.secureconnect.crypto.pki.RevokedCertificate;
import dev.secureconnect.crypto.pki.SoftwareKeySigner;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A CA directory: the root and issuing CA certificates and their passphrase-encrypted keys, the current CRL, the
 * certificate index and the signed, hash-chained issuance log.
 *
 * <pre>
 * DIR/ca.pem               root CA certificate (the trust anchor every component is given)
 * DIR/ca-key.pem           root CA key, encrypted (only 'init' uses it: keep DIR offline)
 * DIR/issuing-ca.pem       issuing CA certificate (the chain.pem of every issued certificate)
 * DIR/issuing-ca-key.pem   issuing CA key, encrypted
 * DIR/crl.pem              current CRL of the issuing CA, rewritten on every revoke
 * DIR/index.json           every certificate issued: serial, role, identity, validity, status
 * DIR/issuance.log         who issued or revoked what, when: one signed, hash-chained JSON entry a line
 * </pre>
 *
 * <p>Every change takes an exclusive lock on {@code DIR/.lock}, appends its log entry (forced to disk), then
 * replaces the index and CRL atomically. A command that fails its checks returns before the first write.
 */
public final class CaDirectory {

    public static final String ROOT_CERT = "ca.pem";
    public static final String ROOT_KEY = "ca-key.pem";
    public static final String ISSUING_CERT = "issuing-ca.pem";
    public static final String ISSUING_KEY = "issuing-ca-key.pem";
    public static final String CRL = "crl.pem";
    public static final String INDEX = "index.json";
    public static final String LOG = "issuance.log";
    static final String LOCK = ".lock";

    private static final ObjectMapper JSON = Mappers.indentedJson();

    private final Path dir;
    private final Clock clock;

    private CaDirectory(Path dir, Clock clock) {
        this.dir = dir;
        this.clock = clock;
    }

    /** Opens an existing CA directory, failing with a clear message when {@code dir} holds no CA. */
    public static CaDirectory open(Path dir, Clock clock) {
        if (!Files.isDirectory(dir)) {
            throw new PkiException(dir + " does not exist: create a CA with 'sc-pki init --dir " + dir + "'");
        }
        for (String name : List.of(ROOT_CERT, ISSUING_CERT, ISSUING_KEY, INDEX)) {
            if (!Files.isRegularFile(dir.resolve(name))) {
                throw new PkiException(
                        dir + " is not a CA directory (" + name + " is missing): create one with 'sc-pki init'");
            }
        }
        return new CaDirectory(dir, clock);
    }

    /** What {@code init} asks for. */
    public record Setup(
            String name, RsaKeySize keySize, Duration rootValidity, Duration issuingValidity, Duration crlValidity) {}

    /**
     * Creates the root and issuing CA in {@code dir}, which must be absent or empty. Everything is built in a
     * temporary folder beside {@code dir} and moved into place at the end.
     */
    public static CaDirectory initialize(Path dir, Setup setup, char[] passphrase, String actor, Clock clock) {
        Path target = dir.toAbsolutePath().normalize();
        if (Files.exists(target) && !isEmptyDirectory(target)) {
            throw new PkiException(dir + " is not empty: 'sc-pki init' needs a new or empty directory"
                    + (Files.exists(target.resolve(ROOT_CERT)) ? " (it already holds a CA)" : ""));
        }
        KeyPair rootKeys = RsaKeyPairs.generate(setup.keySize());
        KeyPair issuingKeys = RsaKeyPairs.generate(setup.keySize());
        CertificateAuthority root =
                CertificateAuthority.createRoot(setup.name(), rootKeys, setup.rootValidity(), clock);
        X509Certificate issuingCert =
                root.createIssuingCa(setup.name(), issuingKeys.getPublic(), setup.issuingValidity());
        CertificateAuthority issuing = new CertificateAuthority(
                issuingCert,
                List.of(root.certificate()),
                new SoftwareKeySigner(issuingKeys.getPrivate(), issuingKeys.getPublic()),
                clock);

        Path staging;
        try {
            Files.createDirectories(target.getParent());
            staging = Files.createTempDirectory(
                    target.getParent(),
                    "." + target.getFileName() + ".init",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new PkiException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        try {
            CaDirectory staged = new CaDirectory(staging, clock);
            write(staging.resolve(ROOT_CERT), ascii(Pem.certificates(List.of(root.certificate()))), Access.READABLE);
            write(
                    staging.resolve(ROOT_KEY),
                    ascii(Pem.encryptedPrivateKey(rootKeys.getPrivate(), passphrase)),
                    Access.OWNER_ONLY);
            write(staging.resolve(ISSUING_CERT), ascii(Pem.certificates(List.of(issuingCert))), Access.READABLE);
            write(
                    staging.resolve(ISSUING_KEY),
                    ascii(Pem.encryptedPrivateKey(issuingKeys.getPrivate(), passphrase)),
                    Access.OWNER_ONLY);
            write(staging.resolve(LOCK), new byte[0], Access.READABLE); // so that taking the lock never adds a file
            CertificateIndex index = CertificateIndex.empty()
                    .with(entryFor(root.certificate(), clock.instant()))
                    .with(entryFor(issuingCert, clock.instant()));
            staged.writeIndex(index);
            Instant now = clock.instant();
            staged.record(
                    issuing,
                    index,
                    new LogEntry.Body(
                            0,
                            now.toString(),
                            actor,
                            "init",
                            "root-ca",
                            serialHex(root.certificate()),
                            CertificateIdentity.of(root.certificate()).id(),
                            "issuing CA " + serialHex(issuingCert) + ", "
                                    + setup.keySize().bits() + "-bit keys"),
                    setup.crlValidity());
            moveInto(staging, target);
        } catch (RuntimeException e) {
            deleteQuietly(staging, e);
            throw e;
        }
        return new CaDirectory(target, clock);
    }

    public Path path() {
        return dir;
    }

    public X509Certificate rootCertificate() {
        return Pem.readCertificate(dir.resolve(ROOT_CERT));
    }

    public X509Certificate issuingCertificate() {
        return Pem.readCertificate(dir.resolve(ISSUING_CERT));
    }

    /** Decrypts the issuing CA key; a wrong passphrase fails here, before anything is written. */
    public CertificateAuthority unlock(char[] passphrase) {
        X509Certificate issuing = issuingCertificate();
        PrivateKey key;
        try {
            key = Pem.readPrivateKey(dir.resolve(ISSUING_KEY), passphrase);
        } catch (CryptoException e) {
            if (String.valueOf(e.getMessage()).startsWith("wrong passphrase")) {
                throw new PkiException(
                        "wrong CA passphrase for " + dir + " (the issuing CA key cannot be decrypted)", e);
            }
            throw e;
        }
        return new CertificateAuthority(
                issuing, List.of(rootCertificate()), new SoftwareKeySigner(key, issuing.getPublicKey()), clock);
    }

    /**
     * Decrypts the root CA key (only {@code init} and {@code issue enrolment-ca} need it); a wrong passphrase fails
     * here, before anything is written.
     */
    public CertificateAuthority unlockRoot(char[] passphrase) {
        X509Certificate root = rootCertificate();
        if (!Files.isRegularFile(dir.resolve(ROOT_KEY))) {
            throw new PkiException(dir + " holds no root CA key (" + ROOT_KEY + " is missing): bring the root key"
                    + " back into the CA directory for this command");
        }
        PrivateKey key;
        try {
            key = Pem.readPrivateKey(dir.resolve(ROOT_KEY), passphrase);
        } catch (CryptoException e) {
            if (String.valueOf(e.getMessage()).startsWith("wrong passphrase")) {
                throw new PkiException("wrong CA passphrase for " + dir + " (the root CA key cannot be decrypted)", e);
            }
            throw e;
        }
        return new CertificateAuthority(root, List.of(), new SoftwareKeySigner(key, root.getPublicKey()), clock);
    }

    public CertificateIndex index() {
        try {
            return JSON.readValue(dir.resolve(INDEX).toFile(), CertificateIndex.class);
        } catch (IOException e) {
            throw new PkiException(dir.resolve(INDEX) + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** Takes the directory's exclusive lock, so that two sc-pki commands never interleave their writes. */
    public Lock lock() {
        try {
            FileChannel channel =
                    FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                throw new PkiException(
                        "another sc-pki command is working on " + dir + ": try again when it has finished");
            }
            return new Lock(channel);
        } catch (IOException e) {
            throw new PkiException("cannot lock " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The directory's lock, released on close. */
    public static final class Lock implements AutoCloseable {
        private final FileChannel channel;

        private Lock(FileChannel channel) {
            this.channel = channel;
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException e) {
                throw new PkiException("cannot release the CA directory lock: " + e.getMessage(), e);
            }
        }
    }

    /** Records a newly issued certificate: log entry first, then the index. */
    public void recordIssued(
            CertificateAuthority ca, X509Certificate certificate, String action, String actor, String detail) {
        CertificateIdentity identity = CertificateIdentity.of(certificate);
        Instant now = clock.instant();
        CertificateIndex index = index().with(entryFor(certificate, now));
        record(
                ca,
                index,
                new LogEntry.Body(
                        0,
                        now.toString(),
                        actor,
                        action,
                        identity.role().label(),
                        serialHex(certificate),
                        identity.id(),
                        detail),
                null);
    }

    /** Marks a certificate revoked and publishes a new CRL; returns the CRL. */
    public @Nullable X509CRL recordRevoked(
            CertificateAuthority ca, IndexEntry entry, RevocationReason reason, String actor, Duration crlValidity) {
        Instant now = clock.instant();
        CertificateIndex index = index().replacing(entry.revoke(now, reason.label()));
        return record(
                ca,
                index,
                new LogEntry.Body(
                        0,
                        now.toString(),
                        actor,
                        "revoke",
                        entry.role(),
                        entry.serial(),
                        entry.identity(),
                        "reason " + reason.label()),
                crlValidity);
    }

    /** Publishes a fresh CRL of the current revocations (new number, new nextUpdate); returns it. */
    public X509CRL recordCrl(CertificateAuthority ca, String actor, Duration crlValidity) {
        Instant now = clock.instant();
        return java.util.Objects.requireNonNull(
                record(
                        ca,
                        index(),
                        new LogEntry.Body(
                                0,
                                now.toString(),
                                actor,
                                "crl",
                                "issuing-ca",
                                serialHex(ca.certificate()),
                                CertificateIdentity.of(ca.certificate()).id(),
                                "valid " + crlValidity.toDays() + " days"),
                        crlValidity),
                "crl"); // a CRL is made whenever crlValidity is given
    }

    /**
     * Appends {@code body} to the log, then writes {@code index} (with the new log head and, when
     * {@code crlValidity} is given, the new CRL number), then the CRL.
     */
    private @Nullable X509CRL record(
            CertificateAuthority ca, CertificateIndex index, LogEntry.Body body, @Nullable Duration crlValidity) {
        X509CRL crl = null;
        if (crlValidity != null) {
            index = index.withCrlNumber(index.crlNumber() + 1);
            crl = ca.revocationList(revocations(index), BigInteger.valueOf(index.crlNumber()), crlValidity);
        }
        LogEntry entry = IssuanceLog.next(body, index.logSeq(), index.logHead(), ca.signer());
        new IssuanceLog(dir.resolve(LOG)).append(entry);
        writeIndex(index.withLogHead(entry.seq(), entry.hash()));
        if (crl != null) {
            write(dir.resolve(CRL), ascii(Pem.crl(crl)), Access.READABLE);
        }
        return crl;
    }

    /** Checks the issuance log against the issuing CA's key and the head recorded in the index. */
    public int verifyLog() {
        CertificateIndex index = index();
        return new IssuanceLog(dir.resolve(LOG))
                .verify(issuingCertificate().getPublicKey(), index.logSeq(), index.logHead());
    }

    private void writeIndex(CertificateIndex index) {
        try {
            write(dir.resolve(INDEX), JSON.writeValueAsBytes(index), Access.READABLE);
        } catch (IOException e) {
            throw new PkiException("cannot encode " + INDEX + ": " + e.getMessage(), e);
        }
    }

    /** Writes a file of the CA directory with {@link DurableFiles}. */
    private static void write(Path file, byte[] content, Access access) {
        try {
            DurableFiles.write(file, content, access);
        } catch (IOException e) {
            throw new PkiException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static List<RevokedCertificate> revocations(CertificateIndex index) {
        List<RevokedCertificate> revoked = new ArrayList<>();
        for (IndexEntry entry : index.certificates()) {
            if (entry.revoked()) {
                revoked.add(new RevokedCertificate(
                        new BigInteger(entry.serial(), 16),
                        Instant.parse(entry.revokedAt()),
                        RevocationReason.fromLabel(java.util.Objects.requireNonNull(entry.reason(), "reason"))));
            }
        }
        return revoked;
    }

    static IndexEntry entryFor(X509Certificate certificate, Instant issuedAt) {
        CertificateIdentity identity = CertificateIdentity.of(certificate);
        return new IndexEntry(
                serialHex(certificate),
                identity.role().label(),
                identity.id(),
                certificate.getSubjectX500Principal().getName(),
                certificate.getNotBefore().toInstant().toString(),
                certificate.getNotAfter().toInstant().toString(),
                CertificateFingerprint.of(certificate).colonHex(),
                issuedAt.toString(),
                null,
                null);
    }

    public static String serialHex(X509Certificate certificate) {
        return certificate.getSerialNumber().toString(16).toUpperCase(Locale.ROOT);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static boolean isEmptyDirectory(Path path) {
        if (!Files.isDirectory(path)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(path)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new PkiException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    private static void moveInto(Path staging, Path target) {
        try {
            if (Files.exists(target)) {
                Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
                try (Stream<Path> files = Files.list(staging)) {
                    for (Path file : files.toList()) {
                        Files.move(file, target.resolve(file.getFileName()));
                    }
                }
                Files.delete(staging);
            } else {
                Files.move(staging, target);
            }
        } catch (IOException e) {
            throw new PkiException("cannot move the new CA into " + target + ": " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path folder, RuntimeException failure) {
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }
}
