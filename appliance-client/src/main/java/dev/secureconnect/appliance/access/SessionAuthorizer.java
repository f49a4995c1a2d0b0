package dev.secureconnect.appliance.access;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.crypto.pki.CertificateRole;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.crypto.tls.TrustMaterial;
import dev.secureconnect.crypto.token.AccessToken;
import dev.secureconnect.crypto.token.TokenRefusedException;
import dev.secureconnect.events.EventType;
import dev.secureconnect.tunnel.link.SessionCredentials;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The appliance's own check of every session request (CONNECT, exec, files), before its target policy and before
 * anything is dialled, run or opened — so that even a compromised support server cannot get in without a token
 * this appliance trusts, for a ticket its admin connected. In this order, the first failure refusing:
 *
 * <ol>
 *   <li>a token key is pinned ({@code DIR/token-keys.json});</li>
 *   <li>an access token is present;</li>
 *   <li>the certificate in {@code sc-engineer-certificate} decodes, is an <em>engineer</em> certificate and chains to
 *       this appliance's CA (the trust anchors it checks the server with; no CRL on the appliance);</li>
 *   <li>the token verifies ({@code AccessTokenVerifier}): signature with a pinned key, audience = this appliance's
 *       serial, not expired, holder = that certificate, not revoked, its ticket connected by the admin, admitted by
 *       the server and not disconnected;</li>
 *   <li>{@code sc-ticket} is the token's ticket.</li>
 * </ol>
 *
 * <p>The verdict's value is the verified token and the engineer's name from the certificate ({@link EngineerAccess}).
 * A refusal is answered 403; its reason code is the token refusal's label
 * ({@code no-token-key}, {@code malformed}, {@code bad-certificate}, {@code expired}, …, {@code ticket-mismatch}) and
 * it names the audit event it calls for: {@code token.misused} when the token was presented with another certificate
 * than its holder's, {@code token.refused} otherwise (detail {@code label}: the reason code).
 */
public final class SessionAuthorizer {

    private final ApplianceDirectory directory;
    private final String serial;
    private final TrustMaterial trust;
    private final Revocations revocations;
    private final Clock clock;

    /**
     * @param trust the CAs this appliance trusts (its {@code ca.pem} and chain)
     */
    public SessionAuthorizer(
            ApplianceDirectory directory, String serial, TrustMaterial trust, Revocations revocations, Clock clock) {
        this.directory = requireNonNull(directory, "directory");
        this.serial = requireNonNull(serial, "serial");
        this.trust = requireNonNull(trust, "trust");
        this.revocations = requireNonNull(revocations, "revocations");
        this.clock = requireNonNull(clock, "clock");
    }

    /**
     * @param ticketAccepted whether a ticket is connected by the admin, admitted by the server and not disconnected
     */
    public AccessVerdict<EngineerAccess> authorize(SessionCredentials credentials, Predicate<String> ticketAccepted) {
        var verifier = TokenKeysOrRefusal.of(directory);
        if (verifier.refusal != null) {
            return refuse(verifier.refusal, "no-token-key", EventType.TOKEN_REFUSED, null);
        }
        if (credentials.token().isEmpty()) {
            return refuse("access token refused: no token was presented", "malformed", EventType.TOKEN_REFUSED, null);
        }
        X509Certificate certificate;
        String name;
        try {
            certificate = engineerCertificate(credentials.engineerCertificate());
            name = CertificateIdentity.of(certificate).name();
        } catch (ApplianceException e) {
            return refuse(e.getMessage(), "bad-certificate", EventType.TOKEN_REFUSED, null);
        }
        AccessToken token;
        try {
            token = requireNonNull(verifier.builder, "no refusal: the keys are pinned")
                    .revoked(revocations::contains)
                    .clock(clock)
                    .build()
                    .verify(credentials.token(), serial, certificate, ticketAccepted);
        } catch (TokenRefusedException e) {
            EventType event = e.reason() == TokenRefusedException.Reason.WRONG_HOLDER
                    ? EventType.TOKEN_MISUSED
                    : EventType.TOKEN_REFUSED;
            return refuse(
                    e.getMessage(),
                    e.reason().label(),
                    event,
                    e.token().map(t -> new EngineerAccess(t, name)).orElse(null));
        } catch (CryptoException e) {
            return refuse("access token refused: " + e.getMessage(), "malformed", EventType.TOKEN_REFUSED, null);
        }
        if (!token.ticket().equals(credentials.ticket())) {
            return refuse(
                    "access token refused: it is for ticket " + token.ticket() + ", the request names ticket "
                            + OneLine.of(credentials.ticket()),
                    "ticket-mismatch",
                    EventType.TOKEN_REFUSED,
                    new EngineerAccess(token, name));
        }
        return AccessVerdict.allow(new EngineerAccess(token, name));
    }

    private static AccessVerdict<EngineerAccess> refuse(
            @Nullable String reason, String code, EventType event, @Nullable EngineerAccess token) {
        return AccessVerdict.<EngineerAccess>deny(403, code, OneLine.of(reason))
                .audited(event, Map.of("label", code))
                .naming(token);
    }

    private X509Certificate engineerCertificate(String base64) {
        if (base64.isEmpty()) {
            throw new ApplianceException("no engineer certificate came with the request");
        }
        X509Certificate certificate;
        try {
            byte[] der = Base64.getDecoder().decode(base64);
            certificate = (X509Certificate)
                    CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (IllegalArgumentException | CertificateException | ClassCastException e) {
            throw new ApplianceException(
                    "the engineer certificate sent with the request is not a base64 DER X.509" + " certificate", e);
        }
        CertificateIdentity identity;
        try {
            identity = CertificateIdentity.of(certificate);
        } catch (CryptoException e) {
            throw new ApplianceException(
                    "the certificate sent with the request is not a SecureConnect certificate: " + e.getMessage(), e);
        }
        if (identity.role() != CertificateRole.ENGINEER) {
            throw new ApplianceException("the certificate sent with the request is the "
                    + identity.role().label() + " certificate of " + identity.describe()
                    + ", not an engineer certificate");
        }
        try {
            trust.validator().validate(List.of(certificate), clock.instant());
        } catch (CryptoException e) {
            throw new ApplianceException(
                    "the certificate of " + identity.describe() + " is not trusted by this appliance: "
                            + e.getMessage(),
                    e);
        }
        return certificate;
    }

    /** The pinned keys, or why there are none usable. */
    private record TokenKeysOrRefusal(
            dev.secureconnect.crypto.token.AccessTokenVerifier.@Nullable Builder builder,
            @Nullable String refusal) {
        static TokenKeysOrRefusal of(ApplianceDirectory directory) {
            try {
                return new TokenKeysOrRefusal(TokenKeys.verifier(directory), null);
            } catch (ApplianceException e) {
                return new TokenKeysOrRefusal(null, e.getMessage());
            }
        }
    }
}
