package dev.secureconnect.it;

import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.testing.TestPki;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes test certificates as the files {@code sc-pki issue} produces: cert.pem, key.pem, chain.pem, ca.pem. */
final class PkiFiles {

    private PkiFiles() {}

    static Path write(Path folder, TestPki.Issued issued) {
        TestPki pki = TestPki.shared();
        try {
            Files.createDirectories(folder);
            Files.writeString(folder.resolve("cert.pem"), Pem.certificates(List.of(issued.certificate())));
            Files.writeString(folder.resolve("key.pem"), Pem.privateKey(issued.privateKey()));
            Files.writeString(folder.resolve("chain.pem"), Pem.certificates(List.of(pki.issuingCertificate())));
            Files.writeString(folder.resolve("ca.pem"), Pem.certificates(List.of(pki.rootCertificate())));
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** (Re)writes the issuing CA's current CRL, listing everything revoked so far. */
    static Path writeCrl(Path file) {
        try {
            Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(temporary, Pem.crl(TestPki.shared().revocationList()));
            Files.move(temporary, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
