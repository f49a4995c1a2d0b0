package dev.secureconnect.crypto.token;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.files.DurableFiles;
import dev.secureconnect.crypto.text.OneLine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.text.ParseException;
import java.util.Collection;
import java.util.List;

/**
 * The support server's token-signing key: an EC P-256 key pair used for ES256 and nothing else.
 *
 * <p>It is deliberately not the TLS CA key, nor any certificate's key: SecureConnect's PKI is RSA, and this class
 * accepts only P-256 EC keys, so the CA key cannot be passed here by mistake. Its key id is the RFC 7638 JWK
 * thumbprint (SHA-256) of the public key, which is what a token's {@code kid} header names and what a verifier
 * selects its key by.
 *
 * <p>File format ({@link #save}, {@link #load}): one JSON Web Key (RFC 7517) with its private part {@code d}, as
 * {@code {"kty":"EC","crv":"P-256","x":…,"y":…,"d":…,"kid":…,"use":"sig","alg":"ES256"}}, mode 0600, written
 * atomically; a file that group or others may read is refused. The public part is exported as a JWK
 * ({@link #publicJwk}) or JWK Set ({@link #publicJwkSet}) for appliances.
 */
public final class TokenSigningKey {

    /** The one signing algorithm: ECDSA with P-256 and SHA-256. */
    static final JWSAlgorithm ALGORITHM = JWSAlgorithm.ES256;

    private static final String WHAT = "token-signing key";

    private final ECKey jwk;
    private final ECDSASigner signer;

    private TokenSigningKey(ECKey jwk) {
        this.jwk = jwk;
        try {
            this.signer = new ECDSASigner(jwk);
            ECDSAVerifier verifier = new ECDSAVerifier(jwk.toPublicJWK());
            // a private and public part that do not belong together would sign tokens nobody can verify
            JWSHeader header = new JWSHeader(ALGORITHM);
            byte[] probe = "secureconnect token-signing key check".getBytes(StandardCharsets.US_ASCII);
            if (!verifier.verify(header, probe, signer.sign(header, probe))) {
                throw new CryptoException("the " + WHAT + "'s private and public parts do not belong together");
            }
        } catch (JOSEException e) {
            throw new CryptoException("cannot use the " + WHAT + ": " + e.getMessage(), e);
        }
    }

    /** A new random P-256 key pair. */
    public static TokenSigningKey generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            return of(generator.generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new CryptoException("cannot generate an EC P-256 " + WHAT, e);
        }
    }

    /**
     * The key pair as a token-signing key.
     *
     * @throws CryptoException unless it is an EC P-256 key pair whose halves belong together
     */
    public static TokenSigningKey of(KeyPair keyPair) {
        requireNonNull(keyPair, "keyPair");
        if (!(keyPair.getPublic() instanceof ECPublicKey publicKey)
                || !(keyPair.getPrivate() instanceof ECPrivateKey privateKey)) {
            throw new CryptoException("a " + WHAT + " must be an EC P-256 key pair (ES256), not "
                    + keyPair.getPublic().getAlgorithm() + ": the CA's or a certificate's RSA key cannot sign tokens");
        }
        if (!Curve.P_256.equals(Curve.forECParameterSpec(publicKey.getParams()))) {
            throw new CryptoException("a " + WHAT + " must be on curve P-256 (ES256)");
        }
        ECKey jwk =
                new ECKey.Builder(Curve.P_256, publicKey).privateKey(privateKey).build();
        return new TokenSigningKey(withMetadata(jwk));
    }

    /**
     * Reads a key saved by {@link #save}.
     *
     * @throws CryptoException naming the file if it is missing, readable by others, or not a P-256 private JWK
     */
    public static TokenSigningKey load(Path file) {
        OwnerOnlyFiles.requireOwnerOnly(file, WHAT);
        ECKey jwk;
        try {
            jwk = ECKey.parse(new String(OwnerOnlyFiles.read(file), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new CryptoException(WHAT + " " + file + " does not exist", e);
        } catch (IOException e) {
            throw new CryptoException(WHAT + " " + file + " cannot be read: " + e.getMessage(), e);
        } catch (ParseException e) {
            throw new CryptoException(
                    file + " is not a " + WHAT + " (expected an EC P-256 JWK with its private part)", e);
        }
        if (!jwk.isPrivate() || !Curve.P_256.equals(jwk.getCurve())) {
            throw new CryptoException(file + " is not a " + WHAT + " (expected an EC P-256 JWK with its private part)");
        }
        String thumbprint = thumbprint(jwk);
        if (jwk.getKeyID() != null && !jwk.getKeyID().equals(thumbprint)) {
            throw new CryptoException(file + ": kid " + OneLine.quoted(jwk.getKeyID())
                    + " is not the key's RFC 7638 thumbprint " + thumbprint);
        }
        try {
            return new TokenSigningKey(withMetadata(jwk));
        } catch (CryptoException e) {
            throw new CryptoException(file + ": " + e.getMessage(), e);
        }
    }

    /** Writes the key pair as a private JWK to {@code file}: mode 0600, atomically (temporary file + rename). */
    public void save(Path file) {
        try {
            DurableFiles.write(
                    file, (jwk.toJSONString() + "\n").getBytes(StandardCharsets.UTF_8), DurableFiles.Access.OWNER_ONLY);
        } catch (IOException e) {
            throw new CryptoException("cannot write the " + WHAT + " to " + file + ": " + e.getMessage(), e);
        }
    }

    /** The RFC 7638 JWK thumbprint (base64url SHA-256) of the public key: the {@code kid} of every token it signs. */
    public String keyId() {
        return jwk.getKeyID();
    }

    public ECPublicKey publicKey() {
        try {
            return jwk.toECPublicKey();
        } catch (JOSEException e) {
            throw new CryptoException("cannot decode the " + WHAT + "'s public key", e);
        }
    }

    /** The public key as a JWK (no private part): {@code {"kty":"EC","crv":"P-256","x":…,"y":…,"kid":…,…}}. */
    public String publicJwk() {
        return jwk.toPublicJWK().toJSONString();
    }

    /** The public key as a JWK Set, {@code {"keys":[…]}}: what an appliance is given to verify tokens. */
    public String publicJwkSet() {
        return publicJwkSet(List.of(this));
    }

    /** A JWK Set of the public keys of {@code keys}, e.g. the current and the previous key during a rotation. */
    public static String publicJwkSet(Collection<TokenSigningKey> keys) {
        List<JWK> publicKeys =
                keys.stream().<JWK>map(key -> key.jwk.toPublicJWK()).toList();
        return new JWKSet(publicKeys).toString(true);
    }

    ECKey publicJwkObject() {
        return jwk.toPublicJWK();
    }

    JWSSigner signer() {
        return signer;
    }

    /** The algorithm and key id; never key material. */
    @Override
    public String toString() {
        return "ES256 " + WHAT + " kid=" + keyId();
    }

    static String thumbprint(ECKey key) {
        try {
            return key.computeThumbprint().toString();
        } catch (JOSEException e) {
            throw new CryptoException("cannot compute the JWK thumbprint: " + e.getMessage(), e);
        }
    }

    private static ECKey withMetadata(ECKey key) {
        return new ECKey.Builder(key)
                .keyID(thumbprint(key))
                .keyUse(KeyUse.SIGNATURE)
                .algorithm(ALGORITHM)
                .build();
    }
}
