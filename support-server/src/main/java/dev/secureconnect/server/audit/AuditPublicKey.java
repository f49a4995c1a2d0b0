package dev.secureconnect.server.audit;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import java.text.ParseException;

/**
 * The public part of an {@link AuditKey}: what checks checkpoint signatures, in the database and in exported
 * bundles. Its text form is a public JWK.
 */
public record AuditPublicKey(ECKey jwk) {

    public AuditPublicKey {
        requireNonNull(jwk, "jwk");
        if (jwk.isPrivate() || !Curve.P_256.equals(jwk.getCurve())) {
            throw new IllegalArgumentException("an audit public key is an EC P-256 public JWK");
        }
        try {
            jwk = new ECKey.Builder(jwk).keyIDFromThumbprint().build();
        } catch (JOSEException e) {
            throw new IllegalArgumentException("cannot compute the key's thumbprint: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a public JWK as {@code sc-server audit key} prints it.
     *
     * @throws IllegalArgumentException one line, if it is not an EC P-256 public JWK
     */
    public static AuditPublicKey parse(String json) {
        try {
            ECKey key = ECKey.parse(json.trim());
            return new AuditPublicKey(key.toPublicJWK());
        } catch (ParseException e) {
            throw new IllegalArgumentException("not an EC P-256 public JWK: " + e.getMessage(), e);
        }
    }

    /** The RFC 7638 thumbprint. */
    public String keyId() {
        return jwk.getKeyID();
    }

    /** The JWK as one line of JSON. */
    public String json() {
        return jwk.toJSONString();
    }

    /**
     * The claims of a checkpoint JWS if this key signed it.
     *
     * @throws IllegalArgumentException saying why not: not a JWS, another algorithm or type, signed by another key
     *     (its kid), or a signature that does not verify
     */
    String verifiedClaims(String compactJws) {
        JWSObject jws;
        try {
            jws = JWSObject.parse(compactJws);
        } catch (ParseException e) {
            throw new IllegalArgumentException("its signature is not a compact JWS", e);
        }
        if (!JWSAlgorithm.ES256.equals(jws.getHeader().getAlgorithm())
                || !AuditKey.CHECKPOINT_TYPE.equals(jws.getHeader().getType())) {
            throw new IllegalArgumentException("its signature is not an ES256 audit checkpoint (alg "
                    + jws.getHeader().getAlgorithm() + ", typ "
                    + jws.getHeader().getType() + ")");
        }
        if (!keyId().equals(jws.getHeader().getKeyID())) {
            throw new IllegalArgumentException(
                    "it is signed by key " + jws.getHeader().getKeyID() + ", not by the audit key " + keyId());
        }
        try {
            if (!jws.verify(new ECDSAVerifier(jwk))) {
                throw new IllegalArgumentException("its signature does not verify with the audit key " + keyId());
            }
        } catch (JOSEException e) {
            throw new IllegalArgumentException("its signature cannot be checked: " + e.getMessage(), e);
        }
        return jws.getPayload().toString();
    }
}
