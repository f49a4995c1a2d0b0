package dev.secureconnect.engineer.testing;

import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.pem.Pkcs12Bundle;
import dev.secureconnect.crypto.testing.TestPki;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * An engineer's files as sc-pki would hand them out: {@code alice.p12} (key, engineer certificate, issuing CA, root)
 * with its passphrase in {@code p12.pass}, the root CA as PEM in {@code ca.pem}, and a token passphrase in
 * {@code token.pass}.
 */
public record IdentityFiles(Path p12, Path p12Passphrase, Path caPem, Path tokenPassphrase) {

    public static final String P12_PASSPHRASE = "p12-secret";
    public static final String TOKEN_PASSPHRASE = "correct horse battery";

    public static IdentityFiles write(Path dir, String login) throws IOException {
        Files.createDirectories(dir);
        TestPki pki = TestPki.shared();
        TestPki.Issued engineer = pki.engineer(login);
        Path p12 = dir.resolve(login + ".p12");
        Files.write(
                p12, new Pkcs12Bundle(engineer.privateKey(), engineer.chain()).encode(P12_PASSPHRASE.toCharArray()));
        Path p12Passphrase = dir.resolve("p12.pass");
        Files.writeString(p12Passphrase, P12_PASSPHRASE + "\n");
        Path ca = dir.resolve("ca.pem");
        Files.writeString(ca, Pem.certificates(List.of(pki.rootCertificate())));
        Path tokenPassphrase = dir.resolve("token.pass");
        Files.writeString(tokenPassphrase, TOKEN_PASSPHRASE + "\n");
        return new IdentityFiles(p12, p12Passphrase, ca, tokenPassphrase);
    }
}
