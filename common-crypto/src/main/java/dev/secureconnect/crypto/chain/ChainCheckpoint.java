package dev.secureconnect.crypto.chain;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.text.OneLine;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A signed position of a {@link HashChain}: the owner of a certificate's key (an appliance) vouches, at
 * {@code signedAt}, that record {@code seq} of its log has hash {@code hash}, and so for every record before it.
 * The signature is a compact JWS ({@value #TYPE}) over {@code {"serial","seq","hash","signedAt"}}: PS256 with an
 * RSA key, ES256 with an EC P-256 key. The other fields are a readable copy of the signed claims; {@link #verify}
 * checks that they are the signed ones.
 *
 * @param serial whose log (the appliance serial of the signing certificate)
 * @param seq the signed record
 * @param hash its hash
 * @param signedAt when it was signed
 * @param jws the signature
 */
public record ChainCheckpoint(String serial, long seq, String hash, Instant signedAt, String jws) {

    /** The JWS {@code typ}. */
    public static final String TYPE = "sc-appliance-checkpoint";

    private static final JOSEObjectType JOSE_TYPE = new JOSEObjectType(TYPE);

    public ChainCheckpoint {
        requireNonNull(serial, "serial");
        requireNonNull(hash, "hash");
        requireNonNull(signedAt, "signedAt");
        requireNonNull(jws, "jws");
        if (seq < 1) {
            throw new IllegalArgumentException("seq: " + seq + " (expected: >= 1)");
        }
    }

    /**
     * Signs record {@code seq} with hash {@code hash} of {@code serial}'s log.
     *
     * @throws CryptoException if the key is neither RSA nor EC P-256
     */
    public static ChainCheckpoint sign(String serial, long seq, String hash, Instant signedAt, PrivateKey key) {
        JWSSigner signer;
        JWSAlgorithm algorithm;
        try {
            if (key instanceof RSAPrivateKey rsa) {
                signer = new RSASSASigner(rsa);
                algorithm = JWSAlgorithm.PS256;
            } else if (key instanceof ECPrivateKey ec && Curve.P_256.equals(Curve.forECParameterSpec(ec.getParams()))) {
                signer = new ECDSASigner(ec);
                algorithm = JWSAlgorithm.ES256;
            } else {
                throw new CryptoException(
                        "cannot sign a checkpoint with a " + key.getAlgorithm() + " key: expected RSA or EC P-256");
            }
            Map<String, Object> claims = new LinkedHashMap<>();
            claims.put("serial", serial);
            claims.put("seq", seq);
            claims.put("hash", hash);
            claims.put("signedAt", signedAt.toString());
            JWSObject jws = new JWSObject(
                    new JWSHeader.Builder(algorithm).type(JOSE_TYPE).build(), new Payload(claims));
            jws.sign(signer);
            return new ChainCheckpoint(serial, seq, hash, signedAt, jws.serialize());
        } catch (JOSEException e) {
            throw new CryptoException("cannot sign the checkpoint of record " + seq + ": " + e.getMessage(), e);
        }
    }

    /**
     * The checkpoint a JWS signed by {@code key} holds, read from the signed claims alone.
     *
     * @throws CryptoException one line saying why not: not a compact JWS of this type, another algorithm, a signature
     *     that does not verify with {@code key}, claims missing or malformed
     */
    public static ChainCheckpoint verified(String compactJws, PublicKey key) {
        requireNonNull(compactJws, "compactJws");
        requireNonNull(key, "key");
        JWSObject jws;
        try {
            jws = JWSObject.parse(compactJws);
        } catch (ParseException e) {
            throw new CryptoException("the checkpoint signature is not a compact JWS", e);
        }
        JWSAlgorithm algorithm = jws.getHeader().getAlgorithm();
        if (!JOSE_TYPE.equals(jws.getHeader().getType())) {
            throw new CryptoException("the checkpoint signature is not of type " + TYPE + " (typ "
                    + OneLine.quoted(String.valueOf(jws.getHeader().getType())) + ")");
        }
        try {
            JWSVerifier verifier;
            if (key instanceof RSAPublicKey rsa && JWSAlgorithm.PS256.equals(algorithm)) {
                verifier = new RSASSAVerifier(rsa);
            } else if (key instanceof ECPublicKey ec && JWSAlgorithm.ES256.equals(algorithm)) {
                verifier = new ECDSAVerifier(ec);
            } else {
                throw new CryptoException("the checkpoint is signed " + algorithm + ", which a " + key.getAlgorithm()
                        + " key does not verify (expected PS256 with RSA, ES256 with EC P-256)");
            }
            if (!jws.verify(verifier)) {
                throw new CryptoException("the checkpoint signature does not verify with the certificate's key:"
                        + " signed by another key, or changed");
            }
        } catch (JOSEException e) {
            throw new CryptoException("the checkpoint signature cannot be checked: " + e.getMessage(), e);
        }
        Map<String, Object> claims = jws.getPayload().toJSONObject();
        if (claims == null
                || !(claims.get("serial") instanceof String serial)
                || !(claims.get("seq") instanceof Number seq)
                || !(claims.get("hash") instanceof String hash)
                || !(claims.get("signedAt") instanceof String signedAt)) {
            throw new CryptoException("the checkpoint's signed claims lack serial, seq, hash or signedAt");
        }
        try {
            return new ChainCheckpoint(serial, seq.longValue(), hash, Instant.parse(signedAt), compactJws);
        } catch (DateTimeParseException | IllegalArgumentException e) {
            throw new CryptoException("the checkpoint's signed claims are malformed: " + OneLine.reason(e), e);
        }
    }

    /**
     * Checks that {@code key} signed this checkpoint, and that its readable fields are the signed ones.
     *
     * @throws CryptoException one line saying why not
     */
    public void verify(PublicKey key) {
        ChainCheckpoint signed = verified(jws, key);
        if (!signed.equals(this)) {
            throw new CryptoException("the checkpoint at record " + seq + " does not match its signature, which signs"
                    + " record " + signed.seq() + " of " + signed.serial() + " with hash " + signed.hash() + " at "
                    + signed.signedAt() + ": it was changed");
        }
    }
}
