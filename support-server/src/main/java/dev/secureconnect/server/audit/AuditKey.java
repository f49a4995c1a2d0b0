package dev.secureconnect.server.audit;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.files.DurableFiles;
import dev.secureconnect.crypto.token.OwnerOnlyFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;

/**
 * The server's audit-signing key: {@code DIR/}{@value #RELATIVE_FILE}, an EC P-256 private JWK (RFC 7517) readable
 * by its owner only, used for ES256 signatures of audit checkpoints and nothing else (not the token key, not a TLS
 * key). Created by {@code sc-server init}, or at the first start of a directory made before checkpoints existed.
 * Its public part ({@code sc-server audit key}) is what an auditor pins to check checkpoints and bundles elsewhere.
 */
public final class AuditKey {

    /** Where the key is, relative to the server directory. */
    public static final String RELATIVE_FILE = "keys/audit-signing.jwk";

    /** The JWS {@code typ} of a checkpoint. */
    static final JOSEObjectType CHECKPOINT_TYPE = new JOSEObjectType("sc-audit-checkpoint");

    private static final String WHAT = "audit-signing key";

    private final ECKey jwk;
    private final ECDSASigner signer;

    private AuditKey(ECKey jwk) {
        this.jwk = jwk;
        try {
            this.signer = new ECDSASigner(jwk);
        } catch (JOSEException e) {
            throw new CryptoException("cannot use the " + WHAT + ": " + e.getMessage(), e);
        }
    }

    public static Path in(Path serverDir) {
        return serverDir.toAbsolutePath().normalize().resolve(RELATIVE_FILE);
    }

    /** The key of a server directory, created (mode 0600) if it has none yet. */
    public static AuditKey loadOrCreate(Path serverDir) {
        Path file = in(serverDir);
        if (Files.exists(file)) {
            return load(serverDir);
        }
        try {
            ECKey generated = new ECKeyGenerator(Curve.P_256)
                    .keyIDFromThumbprint(true)
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.ES256)
                    .generate();
            DurableFiles.write(file, (generated.toJSONString() + "\n").getBytes(UTF_8), DurableFiles.Access.OWNER_ONLY);
            return new AuditKey(generated);
        } catch (JOSEException | IOException e) {
            throw new CryptoException("cannot create the " + WHAT + " " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The key of a server directory.
     *
     * @throws CryptoException one line naming the file, if it is missing, readable by others or not a P-256 key
     */
    public static AuditKey load(Path serverDir) {
        Path file = in(serverDir);
        OwnerOnlyFiles.requireOwnerOnly(file, WHAT);
        try {
            ECKey key = ECKey.parse(new String(OwnerOnlyFiles.read(file), UTF_8));
            if (!key.isPrivate() || !Curve.P_256.equals(key.getCurve())) {
                throw new CryptoException(
                        file + " is not an " + WHAT + " (expected an EC P-256 JWK with its private part)");
            }
            return new AuditKey(new ECKey.Builder(key).keyIDFromThumbprint().build());
        } catch (IOException e) {
            throw new CryptoException(WHAT + " " + file + " cannot be read: " + e.getMessage(), e);
        } catch (ParseException | JOSEException e) {
            throw new CryptoException(
                    file + " is not an " + WHAT + " (expected an EC P-256 JWK): " + e.getMessage(), e);
        }
    }

    /** The RFC 7638 thumbprint of the public key: the {@code kid} of every checkpoint it signs. */
    public String keyId() {
        return jwk.getKeyID();
    }

    /** The public part, to verify checkpoints with. */
    public AuditPublicKey publicKey() {
        return new AuditPublicKey(jwk.toPublicJWK());
    }

    /** A compact JWS (ES256, {@code kid}, {@code typ sc-audit-checkpoint}) over {@code claims}. */
    String sign(String claims) {
        JWSObject jws = new JWSObject(
                new JWSHeader.Builder(JWSAlgorithm.ES256)
                        .keyID(keyId())
                        .type(CHECKPOINT_TYPE)
                        .build(),
                new Payload(claims));
        try {
            jws.sign(signer);
        } catch (JOSEException e) {
            throw new CryptoException("cannot sign with the " + WHAT + ": " + e.getMessage(), e);
        }
        return jws.serialize();
    }

    /** The algorithm and key id; never key material. */
    @Override
    public String toString() {
        return "ES256 " + WHAT + " kid=" + keyId();
    }
}
