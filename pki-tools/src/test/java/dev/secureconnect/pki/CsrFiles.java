package dev.secureconnect.pki;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.crypto.keys.RsaKeyPairs;
import dev.secureconnect.crypto.keys.RsaKeySize;
import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.crypto.pki.CertificateSigningRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/** PKCS#10 requests written to files: made by openssl, by the library, or altered after signing. */
final class CsrFiles {

    private static final String BEGIN = "-----BEGIN CERTIFICATE REQUEST-----";
    private static final String END = "-----END CERTIFICATE REQUEST-----";

    private CsrFiles() {}

    /**
     * {@code openssl req -new -newkey rsa:2048 -nodes -subj SUBJECT -addext subjectAltName=SAN}: a request whose key
     * stays beside it as {@code <name>.key}.
     *
     * @param san the subjectAltName value, e.g. {@code URI:urn:secureconnect:appliance:SN-9}, or null for none
     */
    static Path openssl(Path folder, String name, String subject, String san) {
        Path csr = folder.resolve(name + ".csr");
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(
                "req",
                "-new",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                folder.resolve(name + ".key").toString(),
                "-out",
                csr.toString(),
                "-subj",
                subject));
        if (san != null) {
            args.addAll(java.util.List.of("-addext", "subjectAltName=" + san));
        }
        ExternalCommand.opensslOk(args.toArray(String[]::new));
        assertThat(csr).isRegularFile();
        return csr;
    }

    /** A request made with {@link CertificateSigningRequest#create} for {@code identity} over a new RSA key. */
    static Path library(Path folder, String name, CertificateIdentity identity, int keyBits) {
        CertificateSigningRequest request =
                CertificateSigningRequest.create(identity, RsaKeyPairs.generate(RsaKeySize.of(keyBits)));
        return write(folder.resolve(name + ".csr"), Pem.csr(request));
    }

    static Path library(Path folder, String name, CertificateIdentity identity) {
        return library(folder, name, identity, 2048);
    }

    /** The DER inside a PEM request file. */
    static byte[] der(Path csr) {
        String text = read(csr);
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        assertThat(begin).as("BEGIN line in %s", csr).isNotNegative();
        assertThat(end).as("END line in %s", csr).isGreaterThan(begin);
        return Base64.getMimeDecoder().decode(text.substring(begin + BEGIN.length(), end));
    }

    /** Writes {@code der} as a PEM request. */
    static Path writeDer(Path file, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der);
        return write(file, BEGIN + "\n" + body + "\n" + END + "\n");
    }

    /** Replaces the first occurrence of {@code from} in the request's DER with {@code to} (same length). */
    static byte[] replace(byte[] der, String from, String to) {
        byte[] needle = from.getBytes(StandardCharsets.US_ASCII);
        byte[] replacement = to.getBytes(StandardCharsets.US_ASCII);
        assertThat(replacement).hasSameSizeAs(needle);
        for (int i = 0; i + needle.length <= der.length; i++) {
            if (java.util.Arrays.equals(der, i, i + needle.length, needle, 0, needle.length)) {
                byte[] altered = der.clone();
                System.arraycopy(replacement, 0, altered, i, replacement.length);
                return altered;
            }
        }
        throw new AssertionError("'" + from + "' does not occur in the request");
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path write(Path file, String text) {
        try {
            return Files.writeString(file, text, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
