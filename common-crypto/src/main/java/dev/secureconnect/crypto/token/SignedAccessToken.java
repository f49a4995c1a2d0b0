package dev.secureconnect.crypto.token;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jwt.SignedJWT;
import dev.secureconnect.crypto.token.TokenRefusedException.Reason;
import java.text.ParseException;

/**
 * An access token as issued: its claims and the compact JWS that carries them. The compact form is the credential
 * (with the engineer's certificate): it travels in a stream request header and sits in the engineer's
 * {@link TokenVault}, and is never printed — {@link #toString()} shows the claims only.
 */
public final class SignedAccessToken {

    /** Longer than any token SecureConnect issues (about 700 characters); longer input is refused unread. */
    static final int MAX_LENGTH = 8 * 1024;

    private final AccessToken claims;
    private final String compact;

    SignedAccessToken(AccessToken claims, String compact) {
        this.claims = requireNonNull(claims, "claims");
        this.compact = requireNonNull(compact, "compact");
    }

    /**
     * Reads a compact token's claims <em>without checking its signature</em>, to show an engineer what the vault
     * holds (appliance, ticket, expiry). Only an {@link AccessTokenVerifier} decides whether a token is good.
     *
     * @throws TokenRefusedException ({@link Reason#MALFORMED}) unless {@code compact} is a signed JWT with valid claims
     */
    public static SignedAccessToken parseUnverified(String compact) {
        if (compact == null || compact.isEmpty() || compact.length() > MAX_LENGTH) {
            throw new TokenRefusedException(
                    Reason.MALFORMED,
                    "access token refused: not a compact JWS of at most " + MAX_LENGTH + " characters");
        }
        try {
            SignedJWT jwt = SignedJWT.parse(compact);
            return new SignedAccessToken(AccessToken.fromClaims(jwt.getJWTClaimsSet()), compact);
        } catch (ParseException e) {
            throw new TokenRefusedException(Reason.MALFORMED, "access token refused: not a signed JWT", e);
        }
    }

    public AccessToken claims() {
        return claims;
    }

    /**
     * The compact JWS ({@code header.payload.signature}): the credential itself. Send it only in a stream request
     * to the server, store it only through {@link TokenVault}, and never log it.
     */
    public String serialize() {
        return compact;
    }

    /** The claims, never the token. */
    @Override
    public String toString() {
        return "signed " + claims;
    }
}
