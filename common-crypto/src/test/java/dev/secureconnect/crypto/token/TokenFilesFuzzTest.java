package dev.secureconnect.crypto.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.PasswordBasedEncrypter;
import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.testing.FuzzContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

/**
 * The files that hold tokens and token keys, as a corrupted disk or a careless copy may leave them: the engineer's
 * {@link TokenVault} file, the server's {@link TokenSigningKey} file and the JWK Set an appliance trusts
 * ({@link AccessTokenVerifier.Builder#trustJwkSetFile}). Each is read or refused with a {@link CryptoException} (a
 * {@link TokenVaultException} for the vault) whose message is one line; nothing else escapes.
 *
 * <p>Byte 0 of an input picks the file: {@code V} a vault file (the rest is its text), {@code E} a vault whose
 * encrypted payload is the rest (encrypted here under {@link #PASSPHRASE}, so that the fuzzer reaches the token
 * inside), {@code K} a token-signing key file, anything else a JWK Set file.
 */
class TokenFilesFuzzTest {

    private static final char[] PASSPHRASE = "correct horse battery".toCharArray();
    private static final int ITERATIONS = PasswordBasedEncrypter.MIN_RECOMMENDED_ITERATION_COUNT;
    private static final TokenVault VAULT = new TokenVault(ITERATIONS);
    private static final Path FILE = ownerOnlyFile();

    @FuzzTest
    void readsOrRefusesOnOneLine(byte[] input) throws IOException, JOSEException {
        if (input.length == 0) {
            return;
        }
        byte[] rest = Arrays.copyOfRange(input, 1, input.length);
        Files.write(FILE, input[0] == 'E' ? encrypted(rest) : rest);
        try {
            switch (input[0]) {
                case 'V', 'E' -> {
                    SignedAccessToken token = VAULT.load(FILE, PASSPHRASE);
                    assertThat(token.claims().lifetime()).isPositive();
                }
                case 'K' -> assertThat(TokenSigningKey.load(FILE).keyId()).isNotBlank();
                default ->
                    assertThat(AccessTokenVerifier.builder()
                                    .trustJwkSetFile(FILE)
                                    .revoked(id -> false)
                                    .build()
                                    .keyIds())
                            .isNotEmpty();
            }
        } catch (CryptoException e) {
            FuzzContract.assertOneLineMessage(e);
        }
    }

    private static byte[] encrypted(byte[] payload) throws JOSEException {
        JWEObject jwe = new JWEObject(
                new JWEHeader.Builder(JWEAlgorithm.PBES2_HS512_A256KW, EncryptionMethod.A256GCM)
                        .contentType("JWT")
                        .build(),
                new Payload(payload));
        jwe.encrypt(new PasswordBasedEncrypter(new String(PASSPHRASE).getBytes(StandardCharsets.UTF_8), 8, ITERATIONS));
        return jwe.serialize().getBytes(StandardCharsets.US_ASCII);
    }

    private static Path ownerOnlyFile() {
        try {
            Path file = Files.createTempFile(
                    "sc-fuzz-token",
                    ".json",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
