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
 * below them that complete a peer's chain, and the revocation lists (CRLs) of the CAs that issue peers' certificates:
 * the issuing CA's and, on a server holding one, the enrolment CA's ({@link #withCrls}). Each CRL must be signed by
 * one of the CAs given here, and a leaf is checked against the CRL of its own issuer: a leaf whose issuer has no CRL
 * here is refused {@code revocation-status-unknown}.
 *
 * <p><b>Revocation.</b> Every listener checks revocation: {@link SslContexts#server} refuses trust material without
 * a CRL. {@link #withCrl} (and {@link #withCrls}, for each of its files) reads the CRL file at once (an unusable file is an error there) and then, at every
 * handshake, compares the file's modification time, size and identity with the ones it loaded: when they changed,
 * it reads the file again, so a CRL published by {@code sc-pki} takes effect at the next handshake, without a
 * restart. If the new file cannot be used (missing, unreadable, not a PEM CRL, signed by no CA given here), no peer
 * is accepted until it is fixed: every handshake is refused with reason {@code revocation-status-unknown} and a
 * message naming the problem (one unusable file of several is enough). There is no fall-back to "no CRL" and none to the previous list. A CRL past its
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
    private final List<CrlFile> crlFiles;
    private final Clock clock;
    private final CertificateChainValidator withoutRevocation;
    private volatile @Nullable Combined combined;

    private TrustMaterial(
            List<X509Certificate> roots, List<X509Certificate> intermediates, List<Path> crlFiles, Clock clock) {
        this.roots = requireCas(roots, "trusted root");
        this.intermediates = requireCas(intermediates, "intermediate");
        if (this.roots.isEmpty()) {
            throw new CryptoException("no trusted root CA certificate given");
        }
        this.clock = requireNonNull(clock, "clock");
        this.withoutRevocation = CertificateChainValidator.withoutRevocationCheck(this.roots, this.intermediates);
        List<CrlFile> files = new ArrayList<>();
        for (Path file : List.copyOf(crlFiles)) {
            CrlFile crl = new CrlFile(file);
            LoadedCrl first = crl.load(FileStamp.of(file));
            if (first.problem() != null) {
                throw new CryptoException(first.problem());
            }
            crl.loaded = first;
            files.add(crl);
        }
        this.crlFiles = List.copyOf(files);
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
        return withCrls(roots, intermediates, List.of(requireNonNull(crlFile, "crlFile")));
    }

    /**
     * Trust in {@code roots}, with revocation checked against several CRL files, each signed by one of these CAs and
     * each re-read whenever it changes: the issuing CA's and the enrolment CA's on a server that holds one.
     *
     * @param crlFiles one PEM CRL per CA that issues peers' certificates; at least one
     * @throws CryptoException if a certificate is not a CA certificate or a CRL file cannot be used now
     */
    public static TrustMaterial withCrls(
            List<X509Certificate> roots, List<X509Certificate> intermediates, List<Path> crlFiles) {
        if (crlFiles.isEmpty()) {
            throw new CryptoException("no revocation list given: name the issuing CA's CRL file");
        }
        return new TrustMaterial(roots, intermediates, crlFiles, Clock.systemUTC());
    }

    /**
     * Trust in {@code roots} without any revocation check: only for a client given no CRL (see the class comment).
     * {@link SslContexts#server} refuses it.
     */
    public static TrustMaterial withoutRevocationCheck(
            List<X509Certificate> roots, List<X509Certificate> intermediates) {
        return new TrustMaterial(roots, intermediates, List.of(), Clock.systemUTC());
    }

    /** The same trust deciding validity at the time of {@code otherClock}: for tests. */
    TrustMaterial withClock(Clock otherClock) {
        return new TrustMaterial(
                roots, intermediates, crlFiles.stream().map(CrlFile::file).toList(), otherClock);
    }

    /**
     * The validator for a handshake starting now: with the CRLs as the files hold them now, each read again if it
     * changed.
     *
     * @throws CertificateRejectedException with reason {@code REVOCATION_STATUS_UNKNOWN} when a CRL file cannot be
     *     used or is out of date: no peer can be accepted then
     */
    @SuppressWarnings("NullAway") // crl and validator are set whenever problem is null
    public CertificateChainValidator validator() {
        if (crlFiles.isEmpty()) {
            return withoutRevocation;
        }
        Instant now = clock.instant();
        List<LoadedCrl> current = new ArrayList<>(crlFiles.size());
        for (CrlFile file : crlFiles) {
            LoadedCrl loaded = file.current();
            if (loaded.problem() != null) {
                throw new CertificateRejectedException(
                        Reason.REVOCATION_STATUS_UNKNOWN,
                        loaded.problem() + "; no peer is accepted until it is fixed",
                        null);
            }
            if (loaded.crl().getNextUpdate() != null
                    && now.isAfter(loaded.crl().getNextUpdate().toInstant())) {
                throw new CertificateRejectedException(
                        Reason.REVOCATION_STATUS_UNKNOWN,
                        "the revocation list " + file.file() + " is out of date (its next update was due "
                                + loaded.crl().getNextUpdate().toInstant()
                                + "): publish a fresh CRL; no peer is accepted until then",
                        null);
            }
            current.add(loaded);
        }
        Combined last = combined;
        if (last != null && last.sameAs(current)) {
            return last.validator();
        }
        Combined fresh = new Combined(
                List.copyOf(current),
                new CertificateChainValidator(
                        roots,
                        intermediates,
                        current.stream().map(LoadedCrl::crl).toList()));
        combined = fresh;
        return fresh.validator();
    }

    /** Whether peers' certificates are checked against a CRL. */
    public boolean checksRevocation() {
        return !crlFiles.isEmpty();
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
                + ", crl="
                + (crlFiles.isEmpty()
                        ? "none (revocation not checked)"
                        : crlFiles.stream()
                                .map(file -> file.file().toString())
                                .collect(java.util.stream.Collectors.joining(", ")))
                + "]";
    }

    // ---- the CRL files -------------------------------------------------------------------------------------------

    /** What a CRL file looked like when it was read: enough to notice that it changed, without reading it. */
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

    /** A CRL as last read, or why it cannot be used. */
    private record LoadedCrl(
            FileStamp stamp,
            @Nullable X509CRL crl,
            @Nullable String problem) {}

    /** The validator built on the CRLs as they were last read (by identity: a re-read file makes a new one). */
    private record Combined(List<LoadedCrl> parts, CertificateChainValidator validator) {
        boolean sameAs(List<LoadedCrl> current) {
            if (parts.size() != current.size()) {
                return false;
            }
            for (int i = 0; i < parts.size(); i++) {
                if (parts.get(i) != current.get(i)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** One CRL file, read again when its stamp changes. */
    private final class CrlFile {
        private final Path file;
        private final Object reloadLock = new Object();
        private volatile @Nullable LoadedCrl loaded;

        CrlFile(Path file) {
            this.file = requireNonNull(file, "crlFile");
        }

        Path file() {
            return file;
        }

        @SuppressWarnings("NullAway") // loaded is set by the constructor of TrustMaterial before any use
        LoadedCrl current() {
            FileStamp stamp = FileStamp.of(file);
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
            return current;
        }

        LoadedCrl load(FileStamp stamp) {
            if (stamp.problem() != null) {
                return failed(stamp, "the revocation list " + file + " " + stamp.problem());
            }
            X509CRL crl;
            try {
                crl = Pem.readCrl(KeyMaterial.requireReadable(file, "revocation list"));
            } catch (CryptoException e) {
                return failed(stamp, "the revocation list cannot be used: " + e.getMessage());
            }
            X509Certificate issuer = issuerOf(crl);
            if (issuer == null) {
                return failed(
                        stamp,
                        "the revocation list " + file + " is signed by "
                                + crl.getIssuerX500Principal().getName()
                                + ", which is not a trusted CA here: publish the issuing CA's CRL");
            }
            return new LoadedCrl(stamp, crl, null);
        }
    }

    private static LoadedCrl failed(FileStamp stamp, String problem) {
        return new LoadedCrl(stamp, null, problem);
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
