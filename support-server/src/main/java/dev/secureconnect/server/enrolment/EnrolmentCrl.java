package dev.secureconnect.server.enrolment;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.files.DurableFiles;
import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.pki.CertificateAuthority;
import dev.secureconnect.crypto.pki.RevocationReason;
import dev.secureconnect.crypto.pki.RevokedCertificate;
import dev.secureconnect.crypto.text.OneLine;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.Extension;
import org.jspecify.annotations.Nullable;

/**
 * The revocation list of the server's enrolment CA, {@value #FILE} in the server directory, signed by the enrolment
 * CA itself. The listeners check the certificates it signed against it (besides the issuing CA's CRL), so the server
 * keeps it current: {@link #refreshIfDue} signs a new one, with the same entries and the next CRL number, once half
 * of its {@link #VALIDITY} has passed (the daemon looks at start and every hour), and {@link #revoke} adds an entry.
 * Each new list replaces the file atomically; the listeners read it again at their next handshake. The daemon's
 * refresh and an {@code sc-server appliances revoke} run at the same moment each read the list, add to it and write
 * it: they take turns under an exclusive lock on {@value #LOCK_FILE}, so neither writes over an entry the other added.
 *
 * <p>A list signed by another key (an enrolment CA that was replaced) is not carried over: the new one starts empty.
 * Only a process that holds the enrolment CA's key writes here: the daemon and the {@code sc-server} commands.
 */
public final class EnrolmentCrl {

    public static final String FILE = "keys/enrolment-ca-crl.pem";
    /** The file whose exclusive lock a process holds while it reads, adds to and writes the list. */
    public static final String LOCK_FILE = "keys/enrolment-ca-crl.lock";

    /** One holder of the file lock per JVM: a second {@code FileChannel.lock} in the same JVM would throw. */
    private static final Object IN_THIS_JVM = new Object();

    /** How long a list is valid (its nextUpdate); a new one is signed when half of it is left. */
    public static final Duration VALIDITY = Duration.ofDays(7);

    private final Path file;
    private final Path lockFile;
    private final CertificateAuthority enrolmentCa;
    private final Clock clock;

    public EnrolmentCrl(Path serverDir, CertificateAuthority enrolmentCa, Clock clock) {
        this.file = requireNonNull(serverDir, "serverDir").resolve(FILE);
        this.lockFile = serverDir.resolve(LOCK_FILE);
        this.enrolmentCa = requireNonNull(enrolmentCa, "enrolmentCa");
        this.clock = requireNonNull(clock, "clock");
    }

    /** The file the listeners read. */
    public Path file() {
        return file;
    }

    /**
     * Signs a new list if there is none, if the one there is not the enrolment CA's, or if less than half of its
     * validity is left.
     *
     * @return whether a new list was written
     */
    public boolean refreshIfDue() {
        return underLock(this::refreshIfDueLocked);
    }

    private boolean refreshIfDueLocked() {
        X509CRL current = current();
        if (current != null && current.getNextUpdate() != null) {
            Instant halfway = current.getThisUpdate()
                    .toInstant()
                    .plus(Duration.between(
                                    current.getThisUpdate().toInstant(),
                                    current.getNextUpdate().toInstant())
                            .dividedBy(2));
            if (clock.instant().isBefore(halfway)) {
                return false;
            }
        }
        publish(current, List.of());
        return true;
    }

    /**
     * Adds {@code certificate} (signed by the enrolment CA) to the list and publishes it at once.
     *
     * @throws EnrolmentException if the enrolment CA did not sign it
     */
    public void revoke(X509Certificate certificate, RevocationReason reason) {
        underLock(() -> {
            revokeLocked(certificate, reason);
            return true;
        });
    }

    private void revokeLocked(X509Certificate certificate, RevocationReason reason) {
        if (!certificate
                .getIssuerX500Principal()
                .equals(enrolmentCa.certificate().getSubjectX500Principal())) {
            throw new EnrolmentException(
                    "the certificate " + certificate.getSubjectX500Principal().getName()
                            + " was not signed by this server's enrolment CA: revoke it with 'sc-pki revoke'");
        }
        X509CRL current = current();
        if (current != null && current.getRevokedCertificate(certificate.getSerialNumber()) != null) {
            return;
        }
        publish(current, List.of(new RevokedCertificate(certificate.getSerialNumber(), clock.instant(), reason)));
    }

    /** The serial numbers the list on disk revokes (empty when there is none). */
    public synchronized List<BigInteger> revokedSerials() {
        X509CRL current = current();
        if (current == null || current.getRevokedCertificates() == null) {
            return List.of();
        }
        return current.getRevokedCertificates().stream()
                .map(X509CRLEntry::getSerialNumber)
                .toList();
    }

    /** Runs {@code change} (a read, add and write of the list) holding the lock of every process on this server. */
    private <T> T underLock(java.util.function.Supplier<T> change) {
        synchronized (IN_THIS_JVM) {
            try {
                Files.createDirectories(lockFile.getParent());
                try (FileChannel channel =
                                FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                        FileLock lock = channel.lock()) {
                    return change.get();
                }
            } catch (IOException e) {
                throw new EnrolmentException(
                        "cannot lock " + lockFile + " to change the enrolment CA's revocation list: "
                                + OneLine.reason(e),
                        e);
            }
        }
    }

    private void publish(@Nullable X509CRL current, List<RevokedCertificate> added) {
        List<RevokedCertificate> entries = new ArrayList<>();
        BigInteger number = BigInteger.ONE;
        if (current != null) {
            if (current.getRevokedCertificates() != null) {
                for (X509CRLEntry entry : current.getRevokedCertificates()) {
                    entries.add(new RevokedCertificate(
                            entry.getSerialNumber(), entry.getRevocationDate().toInstant(), reasonOf(entry)));
                }
            }
            number = crlNumber(current).add(BigInteger.ONE);
        }
        entries.addAll(added);
        X509CRL crl = enrolmentCa.revocationList(entries, number, VALIDITY);
        try {
            Files.createDirectories(file.getParent());
            DurableFiles.write(file, Pem.crl(crl).getBytes(US_ASCII), DurableFiles.Access.READABLE);
        } catch (IOException e) {
            throw new EnrolmentException(
                    "cannot write the enrolment CA's revocation list " + file + ": " + e.getMessage(), e);
        }
    }

    /** The list on disk if it is the enrolment CA's; null if there is none or another key signed it. */
    private @Nullable X509CRL current() {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        X509CRL crl;
        try {
            crl = Pem.readCrl(file);
        } catch (CryptoException e) {
            throw new EnrolmentException(
                    "the enrolment CA's revocation list " + file + " cannot be read: " + e.getMessage()
                            + " (remove it and the server signs a new, empty one only if nothing was revoked)",
                    e);
        }
        try {
            crl.verify(enrolmentCa.certificate().getPublicKey());
            return crl;
        } catch (GeneralSecurityException e) {
            return null; // the list of a replaced enrolment CA
        }
    }

    private static BigInteger crlNumber(X509CRL crl) {
        byte[] value = crl.getExtensionValue(Extension.cRLNumber.getId());
        if (value == null) {
            return BigInteger.ZERO;
        }
        return ASN1Integer.getInstance(ASN1OctetString.getInstance(value).getOctets())
                .getValue();
    }

    private static RevocationReason reasonOf(X509CRLEntry entry) {
        java.security.cert.CRLReason reason = entry.getRevocationReason();
        if (reason == null) {
            return RevocationReason.UNSPECIFIED;
        }
        for (RevocationReason known : RevocationReason.values()) {
            if (known.code() == reason.ordinal()) {
                return known;
            }
        }
        return RevocationReason.UNSPECIFIED;
    }
}
