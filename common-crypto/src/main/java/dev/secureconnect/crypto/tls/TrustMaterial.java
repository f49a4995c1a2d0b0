package dev.secureconnect.crypto.tls;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.pki.CertificateChainValidator;
import dev.secureconnect.crypto.pki.CertificateRejectedException;
import dev.secureconnect.crypto.pki.CertificateRejectedException.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;

/**
 * What an endpoint trusts when it checks its peer's certificate: the SecureConnect root CA(s), the CA certificates
 * below them that complete a peer's chain, and the issuing CA's revocation list (CRL).
 *
 * <p><b>Revocation.</b> Every listener checks revocation: {@link SslContexts#server} refuses trust material without
 * a CRL. {@link #withCrl} reads the CRL file at once (an unusable file is an error there) and then, at every
 * handshake, compares the file's modification time, size and identity with the ones it loaded: when they changed,
 * it reads the file again, so a CRL published by {@code sc-pki} takes effect at the next handshake, without a
 * restart. If the new file cannot be used (missing, unreadable, not a PEM CRL, signed by no CA given here), no peer
 * is accepted until it is fixed: every handshake is refused with reason {@code revocation-status-unknown} and a
 * message naming the problem. There is no fall-back to "no CRL" and none to the previous list. A CRL past its
 * next update refuses every peer the same way. Replace the file atomically (write a new file beside it, then
 * rename it over the old one) so that no handshake reads it half-written.
 *
 * <p>{@link #withoutRevocationCheck} is for clients that are given no CRL: an appliance or an engineer checking
 * the server it dialled, whose certificate it also checks by name. Revocation of the server's certificate is then
 * not checked, and this is explicit in the code that builds it.
 */
public final class TrustMaterial {

    private final List<X509Certificate> roots;
    private final List<X509Certificate> intermediates;
    private final @Nullable Path crlFile;
    private final Clock clock;
    private final CertificateChainValidator withoutRevocation;
    private final Object reloadLock = new Object();
    private volatile @Nullable LoadedCrl loaded;

    private TrustMaterial(
            List<X509Certificate> roots, List<X509Certificate> intermediates, @Nullable Path crlFile, Clock clock) {
        this.roots = requireCas(roots, "trusted root");
        this.intermediates = requireCas(intermediates, "intermediate");
        if (this.roots.isEmpty()) {
            throw new CryptoException("no trusted root CA certificate given");
        }
        this.crlFile = crlFile;
        this.clock = requireNonNull(clock, "clock");
        this.withoutRevocation = CertificateChainValidator.withoutRevocationCheck(this.roots, this.intermediates);
        if (crlFile != null) {
            LoadedCrl first = load(FileStamp.of(crlFile));
            if (first.problem() != null) {
                throw new CryptoException(first.problem());
            }
            loaded = first;
        }
    }

    /**
     * Trust in {@code roots}, with revocation checked against the CRL in {@code crlFile}, re-read whenever the file
     * changes.
     *
     * @param roots the root CA certificate(s)
     * @param intermediates CA certificates below the roots that complete a peer's chain (the issuing CA); may be
     *     empty when peers send them
     * @param crlFile a PEM CRL signed by one of these CAs
     * @throws CryptoException if a certificate is not a CA certificate or the CRL file cannot be used now
     */
    public static TrustMaterial withCrl(
            List<X509Certificate> roots, List<X509Certificate> intermediates, Path crlFile) {
        return new TrustMaterial(roots, intermediates, requireNonNull(crlFile, "crlFile"), Clock.systemUTC());
    }

    /**
     * Trust in {@code roots} without any revocation check: only for a client given no CRL (see the class comment).
     * {@link SslContexts#server} refuses it.
     */
    public static TrustMaterial withoutRevocationCheck(
            List<X509Certificate> roots, List<X509Certificate> intermediates) {
        return new TrustMaterial(roots, intermediates, null, Clock.systemUTC());
    }

    /** The same trust deciding validity at the time of {@code otherClock}: for tests. */
    TrustMaterial withClock(Clock otherClock) {
        return new TrustMaterial(roots, intermediates, crlFile, otherClock);
    }

    /**
     * The validator for a handshake starting now: with the CRL as the file holds it now, read again if it changed.
     *
     * @throws CertificateRejectedException with reason {@code REVOCATION_STATUS_UNKNOWN} when the CRL file cannot be
     *     used or is out of date: no peer can be accepted then
     */
    @SuppressWarnings("NullAway") // loaded is set whenever crlFile is; crl and validator whenever problem is null
    public CertificateChainValidator validator() {
        if (crlFile == null) {
            return withoutRevocation;
        }
        FileStamp stamp = FileStamp.of(crlFile);
        LoadedCrl current = loaded;
        if (!current.stamp().equals(stamp)) {
            synchronized (reloadLock) {
                current = loaded;
                if (!current.stamp().equals(stamp)) {
                    current = load(stamp);
                    loaded = current;
                }
            }
        }
        if (current.problem() != null) {
            throw new CertificateRejectedException(
                    Reason.REVOCATION_STATUS_UNKNOWN,
                    current.problem() + "; no peer is accepted until it is fixed",
                    null);
        }
        Instant now = clock.instant();
        if (current.crl().getNextUpdate() != null
                && now.isAfter(current.crl().getNextUpdate().toInstant())) {
            throw new CertificateRejectedException(
                    Reason.REVOCATION_STATUS_UNKNOWN,
                    "the revocation list " + crlFile + " is out of date (its next update was due "
                            + current.crl().getNextUpdate().toInstant() + "): publish a fresh CRL; no peer is accepted"
                            + " until then",
                    null);
        }
        return current.validator();
    }

    /** Whether peers' certificates are checked against a CRL. */
    public boolean checksRevocation() {
        return crlFile != null;
    }

    /**
     * The JDK's own PKIX trust manager over the same roots (revocation off: the caller has checked it), used for
     * what only the JDK should do: verifying the server's name as the SSLEngine's endpoint identification asks.
     */
    X509ExtendedTrustManager jdkTrustManager() {
        X509TrustManager manager = withoutRevocation.trustManager();
        if (manager instanceof X509ExtendedTrustManager extended) {
            return extended;
        }
        throw new CryptoException("the JDK's PKIX trust manager cannot verify host names ("
                + manager.getClass().getName() + ")");
    }

    Clock clock() {
        return clock;
    }

    @Override
    public String toString() {
        return "TrustMaterial[roots=" + roots.stream().map(KeyMaterial::subject).toList()
                + ", intermediates=" + intermediates.size()
                + ", crl=" + (crlFile == null ? "none (revocation not checked)" : crlFile) + "]";
    }

    // ---- the CRL file --------------------------------------------------------------------------------------------

    /** What the CRL file looked like when it was read: enough to notice that it changed, without reading it. */
    private record FileStamp(
            @Nullable FileTime modified,
            long size,
            @Nullable Object fileKey,
            @Nullable String problem) {
        static FileStamp of(Path file) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                return new FileStamp(attributes.lastModifiedTime(), attributes.size(), attributes.fileKey(), null);
            } catch (NoSuchFileException e) {
                return new FileStamp(null, -1, null, "does not exist");
            } catch (IOException e) {
                return new FileStamp(null, -1, null, "cannot be read: " + e.getMessage());
            }
        }
    }

    /** The CRL as last read, with the validator built on it, or why it cannot be used. */
    private record LoadedCrl(
            FileStamp stamp,
            @Nullable X509CRL crl,
            @Nullable CertificateChainValidator validator,
            @Nullable String problem) {}

    private LoadedCrl load(FileStamp stamp) {
        if (stamp.problem() != null) {
            return failed(stamp, "the revocation list " + crlFile + " " + stamp.problem());
        }
        X509CRL crl;
        try {
            crl = Pem.readCrl(KeyMaterial.requireReadable(requireNonNull(crlFile, "crlFile"), "revocation list"));
        } catch (CryptoException e) {
            return failed(stamp, "the revocation list cannot be used: " + e.getMessage());
        }
        X509Certificate issuer = issuerOf(crl);
        if (issuer == null) {
            return failed(
                    stamp,
                    "the revocation list " + crlFile + " is signed by "
                            + crl.getIssuerX500Principal().getName()
                            + ", which is not a trusted CA here: publish the issuing CA's CRL");
        }
        return new LoadedCrl(stamp, crl, new CertificateChainValidator(roots, intermediates, List.of(crl)), null);
    }

    private static LoadedCrl failed(FileStamp stamp, String problem) {
        return new LoadedCrl(stamp, null, null, problem);
    }

    private @Nullable X509Certificate issuerOf(X509CRL crl) {
        List<X509Certificate> cas = new ArrayList<>(roots);
        cas.addAll(intermediates);
        for (X509Certificate ca : cas) {
            if (!ca.getSubjectX500Principal().equals(crl.getIssuerX500Principal())) {
                continue;
            }
            try {
                crl.verify(ca.getPublicKey());
                return ca;
            } catch (GeneralSecurityException e) {
                // same name, other key: keep looking
            }
        }
        return null;
    }

    private static List<X509Certificate> requireCas(List<X509Certificate> certificates, String what) {
        List<X509Certificate> copy = List.copyOf(requireNonNull(certificates, what + " certificates"));
        for (X509Certificate certificate : copy) {
            if (certificate.getBasicConstraints() < 0) {
                throw new CryptoException("the " + what + " certificate " + KeyMaterial.subject(certificate)
                        + " is not a CA certificate: give the CA certificates here, not a server's or a client's");
            }
        }
        return copy;
    }
}
