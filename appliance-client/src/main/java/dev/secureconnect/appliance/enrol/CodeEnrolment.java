package dev.secureconnect.appliance.enrol;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.access.TokenKeys;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.appliance.config.Enrolment;
import dev.secureconnect.appliance.config.ServerAddress;
import dev.secureconnect.crypto.files.DurableFiles;
import dev.secureconnect.crypto.files.DurableFiles.Access;
import dev.secureconnect.crypto.keys.RsaKeyPairs;
import dev.secureconnect.crypto.keys.RsaKeySize;
import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.pki.CertificateFingerprint;
import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.crypto.pki.CertificateSigningRequest;
import dev.secureconnect.tunnel.enrolment.EnrolmentAnswer;
import dev.secureconnect.tunnel.enrolment.EnrolmentCode;
import dev.secureconnect.tunnel.enrolment.EnrolmentRequest;
import dev.secureconnect.tunnel.enrolment.InvalidEnrolmentCodeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * {@code sc-appliance enrol}: makes the appliance's RSA key pair here (it never leaves), sends a certificate request
 * with the one-time code to the server's enrolment listener ({@link EnrolmentClient}, the root pinned by the code),
 * and sets up the appliance directory from the answer exactly as {@code init} + {@code token-key} do by hand
 * ({@link Enrolment#init}, {@link TokenKeys#pin}). The directory is checked before anything is sent (a code is not
 * spent on a directory that cannot be set up), and nothing is written to it unless everything succeeded: the files
 * are staged in a folder of their own (mode 0700) beside it, removed in every case.
 */
public final class CodeEnrolment {

    /** What {@code enrol} was given. */
    public record Request(
            Path dir,
            ServerAddress server,
            String code,
            String serial,
            @Nullable ServerAddress link) {
        public Request {
            requireNonNull(dir, "dir");
            requireNonNull(server, "server");
            requireNonNull(code, "code");
            requireNonNull(serial, "serial");
        }

        @Override
        public String toString() {
            return "Request[dir=" + dir + ", server=" + server + ", code=(hidden), serial=" + serial + ", link=" + link
                    + "]";
        }
    }

    /** What was set up: the serial, the appliance listener it will link to, and its certificate. */
    public record Enrolled(String serial, ServerAddress link, X509Certificate certificate) {}

    private CodeEnrolment() {}

    /**
     * Enrols and sets up {@code request.dir()}.
     *
     * @param pinTokenKeys pins (and audits) the server's token key set from the staged file, once the directory is
     *     set up
     * @throws ApplianceException one line naming what went wrong; nothing is left in the directory then
     */
    public static Enrolled enrol(
            Request request, EnrolmentClient client, Clock clock, java.util.function.Consumer<Path> pinTokenKeys) {
        EnrolmentCode code;
        try {
            code = EnrolmentCode.parse(request.code());
        } catch (InvalidEnrolmentCodeException e) {
            throw new ApplianceException(e.getMessage(), e);
        }
        requireSettable(request.dir());
        KeyPair keys = newKeyPair();
        CertificateSigningRequest csr = request(request.serial(), keys);
        EnrolmentAnswer answer = client.enrol(
                request.server(), code.root(), new EnrolmentRequest(code.text(), request.serial(), Pem.csr(csr)));
        ServerAddress link = request.link() != null
                ? request.link()
                : new ServerAddress(request.server().host(), answer.applianceListenerPort());
        Path staging = stage(request.dir());
        try {
            Path certificate =
                    write(staging.resolve("cert.pem"), answer.certificate().getBytes(US_ASCII), false);
            Path key = write(
                    staging.resolve("key.pem"),
                    Pem.privateKey(keys.getPrivate()).getBytes(US_ASCII),
                    true);
            Path chain = write(staging.resolve("chain.pem"), answer.chain().getBytes(US_ASCII), false);
            Path ca = write(staging.resolve("ca.pem"), answer.root().getBytes(US_ASCII), false);
            Path tokenKeys =
                    write(staging.resolve("token-keys.json"), answer.tokenKeys().getBytes(UTF_8), false);
            List<X509Certificate> roots = Pem.readCertificates(ca);
            if (roots.size() != 1 || !CertificateFingerprint.of(roots.get(0)).equals(code.root())) {
                throw new ApplianceException("the server answered with a root CA certificate other than the one the"
                        + " enrolment code pins: nothing was written");
            }
            TokenKeys.check(tokenKeys); // before anything is written to the directory
            String serial =
                    Enrolment.init(new Enrolment.Request(request.dir(), link, certificate, key, chain, ca), clock);
            pinTokenKeys.accept(tokenKeys);
            return new Enrolled(serial, link, Pem.readCertificate(certificate));
        } finally {
            try {
                deleteTree(staging); // it holds a copy of the private key
            } catch (IOException e) {
                throw new ApplianceException(
                        "cannot remove the staging folder " + staging + " (it holds a copy of the key): "
                                + e.getMessage(),
                        e);
            }
        }
    }

    /** A new key pair for an appliance, as enrolment and renewal make it (RSA, the default size), made here. */
    public static KeyPair newKeyPair() {
        return RsaKeyPairs.generate(RsaKeySize.DEFAULT);
    }

    /** The certificate request of appliance {@code serial} for {@code keys}, as enrolment and renewal send it. */
    public static CertificateSigningRequest request(String serial, KeyPair keys) {
        return CertificateSigningRequest.create(CertificateIdentity.appliance(serial), keys);
    }

    private static void requireSettable(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new ApplianceException(dir + " exists and is not a directory: choose another --dir");
        }
        if (Files.exists(dir.resolve(ApplianceDirectory.CONFIG_FILE))) {
            throw new ApplianceException(dir + " is already set up (it has " + ApplianceDirectory.CONFIG_FILE
                    + "): choose another --dir or remove the old one first; the code was not used");
        }
        Path parent = parentOf(dir);
        if (!Files.isDirectory(parent)) {
            throw new ApplianceException("cannot create " + dir + ": its parent folder " + parent + " does not exist");
        }
    }

    private static Path stage(Path dir) {
        try {
            return Files.createTempDirectory(
                    parentOf(dir),
                    stagingPrefix(dir),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new ApplianceException("cannot stage the enrolled files beside " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String stagingPrefix(Path dir) {
        return "." + dir.toAbsolutePath().normalize().getFileName() + ".enrol-";
    }

    private static Path parentOf(Path dir) {
        Path parent = dir.toAbsolutePath().normalize().getParent();
        if (parent == null) {
            throw new ApplianceException("cannot set up " + dir + ": give a folder below the file system's root");
        }
        return parent;
    }

    private static Path write(Path file, byte[] content, boolean ownerOnly) {
        try {
            DurableFiles.write(file, content, ownerOnly ? Access.OWNER_ONLY : Access.READABLE);
            return file;
        } catch (IOException e) {
            throw new ApplianceException("cannot write " + file + ": " + e.getMessage(), e);
        }
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
