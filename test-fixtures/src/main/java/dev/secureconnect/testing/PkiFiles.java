package dev.secureconnect.testing;

import dev.secureconnect.crypto.files.DurableFiles;
import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.testing.TestPki;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Certificate files as {@code sc-pki issue} writes them into {@code dir} ({@code cert.pem}, {@code key.pem},
 * {@code chain.pem} = the issuing CA, {@code ca.pem} = the root), from the shared test PKI.
 */
public record PkiFiles(Path dir, Path cert, Path key, Path chain, Path ca) {

    public static TestPki pki() {
        return TestPki.shared();
    }

    /** Writes {@code issued} into {@code dir} (created). */
    public static PkiFiles write(Path dir, TestPki.Issued issued) {
        TestPki pki = pki();
        try {
            Files.createDirectories(dir);
            Path cert = Files.writeString(
                    dir.resolve("cert.pem"),
                    Pem.certificates(List.of(issued.certificate())),
                    StandardCharsets.US_ASCII);
            Path key = Files.writeString(
                    dir.resolve("key.pem"), Pem.privateKey(issued.privateKey()), StandardCharsets.US_ASCII);
            Path chain = Files.writeString(
                    dir.resolve("chain.pem"),
                    Pem.certificates(List.of(pki.issuingCertificate())),
                    StandardCharsets.US_ASCII);
            Path ca = Files.writeString(
                    dir.resolve("ca.pem"), Pem.certificates(List.of(pki.rootCertificate())), StandardCharsets.US_ASCII);
            return new PkiFiles(dir, cert, key, chain, ca);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An appliance certificate for {@code serial}, written into {@code dir}. */
    public static PkiFiles appliance(Path dir, String serial) {
        return write(dir, pki().appliance(serial));
    }

    /** (Re)writes the issuing CA's current CRL, listing everything revoked so far, atomically. */
    public static Path writeCrl(Path file) {
        try {
            DurableFiles.write(
                    file,
                    Pem.crl(pki().revocationList()).getBytes(StandardCharsets.US_ASCII),
                    DurableFiles.Access.READABLE);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code sc-appliance init} arguments for these files. */
    public String[] initArgs(Path applianceDir, String server) {
        return new String[] {
            "init",
            "--dir",
            applianceDir.toString(),
            "--server",
            server,
            "--cert",
            cert.toString(),
            "--key",
            key.toString(),
            "--chain",
            chain.toString(),
            "--ca",
            ca.toString()
        };
    }
}
