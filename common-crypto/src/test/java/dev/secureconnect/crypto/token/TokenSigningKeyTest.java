package dev.secureconnect.crypto.token;

import static dev.secureconnect.crypto.token.TokenFixtures.SERIAL;
import static dev.secureconnect.crypto.token.TokenFixtures.T0;
import static dev.secureconnect.crypto.token.TokenFixtures.TICKET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.testing.TestPki;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenSigningKeyTest {

    private static TokenFixtures fx;

    @TempDir
    Path dir;

    @BeforeAll
    static void fixtures() {
        fx = TokenFixtures.shared();
    }

    /** RFC 7638 §3.2 for an EC key, computed without nimbus: SHA-256 of {"crv","kty","x","y"} in that order. */
    static String rfc7638Thumbprint(ECPublicKey key) throws Exception {
        String json = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\""
                + coordinate(key.getW().getAffineX()) + "\",\"y\":\""
                + coordinate(key.getW().getAffineY()) + "\"}";
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    }

    private static String coordinate(BigInteger value) {
        byte[] bytes = value.toByteArray();
        byte[] fixed = new byte[32];
        int length = Math.min(bytes.length, 32);
        System.arraycopy(bytes, bytes.length - length, fixed, 32 - length, length);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(fixed);
    }

    @Test
    void keyIdIsTheRfc7638Thumbprint() throws Exception {
        TokenSigningKey key = TokenSigningKey.generate();

        assertThat(key.keyId()).isEqualTo(rfc7638Thumbprint(key.publicKey())).hasSize(43);
    }

    @Test
    void saveWritesAPrivateJwkOnlyTheOwnerCanReadAndLoadGivesTheSameKey() throws Exception {
        Path file = dir.resolve("server/token-signing.jwk");

        fx.key.save(file);
        TokenSigningKey loaded = TokenSigningKey.load(file);

        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(file.getParent()))
                .isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(Files.readString(file))
                .contains("\"d\"", "\"kty\":\"EC\"", "\"crv\":\"P-256\"", "\"kid\":\"" + fx.key.keyId() + "\"");
        assertThat(loaded.keyId()).isEqualTo(fx.key.keyId());
        String token = new AccessTokenIssuer(loaded, "srv", TokenFixtures.at(T0))
                .issue(fx.alice.certificate(), SERIAL, TICKET)
                .serialize();
        assertThat(fx.verifier(T0).verify(token, SERIAL, fx.alice.certificate(), TICKET::equals))
                .isNotNull();
        assertThat(Files.list(file.getParent())).containsExactly(file);
    }

    @Test
    void saveReplacesAnOpenFileAtomicallyWithMode0600() throws Exception {
        Path file = Files.writeString(dir.resolve("token-signing.jwk"), "old");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        fx.key.save(file);

        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(TokenSigningKey.load(file).keyId()).isEqualTo(fx.key.keyId());
    }

    @Test
    void loadRefusesAKeyFileOthersMayRead() throws Exception {
        Path file = dir.resolve("token-signing.jwk");
        fx.key.save(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));

        assertThatThrownBy(() -> TokenSigningKey.load(file))
                .isInstanceOf(CryptoException.class)
                .hasMessage(
                        "token-signing key " + file + " may be read by others (mode rw-r-----): run chmod 600 " + file);
    }

    @Test
    void loadNamesTheFileWhenItIsMissingOrNotAPrivateP256Jwk() throws Exception {
        Path missing = dir.resolve("missing.jwk");
        Path garbage = Files.writeString(dir.resolve("garbage.jwk"), "-----BEGIN PRIVATE KEY-----");
        Path publicOnly = Files.writeString(dir.resolve("public.jwk"), fx.key.publicJwk());
        Files.setPosixFilePermissions(garbage, PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(publicOnly, PosixFilePermissions.fromString("rw-------"));

        assertThatThrownBy(() -> TokenSigningKey.load(missing))
                .isInstanceOf(CryptoException.class)
                .hasMessage("token-signing key " + missing + " does not exist");
        assertThatThrownBy(() -> TokenSigningKey.load(garbage))
                .isInstanceOf(CryptoException.class)
                .hasMessage(garbage + " is not a token-signing key (expected an EC P-256 JWK with its private part)");
        assertThatThrownBy(() -> TokenSigningKey.load(publicOnly))
                .isInstanceOf(CryptoException.class)
                .hasMessage(
                        publicOnly + " is not a token-signing key (expected an EC P-256 JWK with its private part)");
    }

    @Test
    void theCaKeyOrAnyRsaKeyCannotSignTokens() {
        assertThatThrownBy(() -> TokenSigningKey.of(TestPki.keyPair("issuing-ca")))
                .isInstanceOf(CryptoException.class)
                .hasMessage("a token-signing key must be an EC P-256 key pair (ES256), not RSA: the CA's or a"
                        + " certificate's RSA key cannot sign tokens");
    }

    @Test
    void onlyCurveP256() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp384r1"));

        assertThatThrownBy(() -> TokenSigningKey.of(generator.generateKeyPair()))
                .isInstanceOf(CryptoException.class)
                .hasMessage("a token-signing key must be on curve P-256 (ES256)");
    }

    @Test
    void halvesOfDifferentKeysAreRefused() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        var one = generator.generateKeyPair();
        var two = generator.generateKeyPair();

        assertThatThrownBy(() -> TokenSigningKey.of(new java.security.KeyPair(one.getPublic(), two.getPrivate())))
                .isInstanceOf(CryptoException.class)
                .hasMessage("the token-signing key's private and public parts do not belong together");
    }

    @Test
    void printingTheKeyShowsOnlyItsId() {
        assertThat(fx.key.toString()).isEqualTo("ES256 token-signing key kid=" + fx.key.keyId());
        assertThat(fx.key.publicJwk()).doesNotContain("\"d\"");
    }
}
