package dev.secureconnect.crypto.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.secureconnect.crypto.testing.TestPki;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;

/**
 * What the token tests share: a fixed time line, two engineers (certificates from {@link TestPki}), a token-signing
 * key made once per JVM, and the means to hand-craft tokens the issuer would never sign.
 */
final class TokenFixtures {

    /** When the fixture tokens are issued. */
    static final Instant T0 = Instant.parse("2030-01-15T10:00:00Z");

    static final String SERIAL = "SN-TOKEN-1";
    static final String OTHER_SERIAL = "SN-TOKEN-2";
    static final String TICKET = "12345678";
    static final String ISSUER = "support.example.com";

    private static volatile TokenFixtures shared;

    final TestPki pki = TestPki.shared();
    final TestPki.Issued alice = pki.engineer("token-alice");
    final TestPki.Issued bob = pki.engineer("token-bob");
    final TestPki.Issued appliance = pki.appliance(SERIAL);
    final TokenSigningKey key = TokenSigningKey.generate();
    final TokenSigningKey otherKey = TokenSigningKey.generate();
    final AccessTokenIssuer issuer = new AccessTokenIssuer(key, ISSUER, at(T0));

    private TokenFixtures() {}

    static synchronized TokenFixtures shared() {
        if (shared == null) {
            shared = new TokenFixtures();
        }
        return shared;
    }

    static Clock at(Instant instant) {
        return Clock.fixed(instant, ZoneOffset.UTC);
    }

    /** A 1 h token for alice on {@link #SERIAL}, ticket {@link #TICKET}, issued at {@link #T0}. */
    SignedAccessToken token() {
        return issuer.issue(alice.certificate(), SERIAL, TICKET);
    }

    /** A verifier trusting {@link #key} at {@code now}, nothing revoked. */
    AccessTokenVerifier verifier(Instant now) {
        return AccessTokenVerifier.builder()
                .trust(key)
                .clock(at(now))
                .revoked(id -> false)
                .build();
    }

    /** The header the issuer writes, to be altered. */
    JWSHeader.Builder header() {
        return header(JWSAlgorithm.ES256);
    }

    /** The issuer's header with another algorithm. */
    JWSHeader.Builder header(JWSAlgorithm algorithm) {
        return new JWSHeader.Builder(algorithm)
                .type(new JOSEObjectType(AccessTokenIssuer.TYPE))
                .keyID(key.keyId());
    }

    /** The claims the issuer writes for {@link #token()}, to be altered. */
    JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder(token().claims().toClaims());
    }

    static String sign(JWSHeader header, JWTClaimsSet claims, JWSSigner signer) {
        return sign(header, claims.toString(), signer);
    }

    static String sign(JWSHeader header, String payload, JWSSigner signer) {
        JWSObject jws = new JWSObject(header, new Payload(payload));
        try {
            jws.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign the test token", e);
        }
        return jws.serialize();
    }

    static String base64url(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    static String decode(String base64url) {
        return new String(Base64.getUrlDecoder().decode(base64url), StandardCharsets.UTF_8);
    }
}
