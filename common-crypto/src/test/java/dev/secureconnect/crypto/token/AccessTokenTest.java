package dev.secureconnect.crypto.token;

import static dev.secureconnect.crypto.token.TokenFixtures.ISSUER;
import static dev.secureconnect.crypto.token.TokenFixtures.SERIAL;
import static dev.secureconnect.crypto.token.TokenFixtures.T0;
import static dev.secureconnect.crypto.token.TokenFixtures.TICKET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.pki.CertificateFingerprint;
import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.crypto.token.TokenRefusedException.Reason;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AccessTokenTest {

    private static TokenFixtures fx;
    private static String thumbprint;

    @BeforeAll
    static void fixtures() {
        fx = TokenFixtures.shared();
        thumbprint = CertificateFingerprint.of(fx.alice.certificate()).thumbprint();
    }

    private static AccessToken token(Instant issuedAt, Instant expiresAt) {
        return new AccessToken(
                "alice", SERIAL, TICKET, thumbprint, ISSUER, issuedAt, expiresAt, UUID.randomUUID(), Optional.empty());
    }

    @Test
    void ofTakesTheLoginAndThumbprintFromTheEngineerCertificate() {
        AccessToken token = AccessToken.of(
                fx.alice.certificate(),
                SERIAL,
                TICKET,
                ISSUER,
                T0.plusMillis(700),
                AccessToken.DEFAULT_LIFETIME,
                "reason");

        assertThat(token.engineer()).isEqualTo("token-alice");
        assertThat(token.holderThumbprint()).isEqualTo(thumbprint);
        assertThat(token.issuedAt()).isEqualTo(T0);
        assertThat(token.expiresAt()).isEqualTo(T0.plus(Duration.ofHours(1)));
        assertThat(token.isHeldBy(fx.alice.certificate())).isTrue();
        assertThat(token.isHeldBy(fx.bob.certificate())).isFalse();
        assertThat(token.isHeldBy(null)).isFalse();
    }

    @Test
    void onlyAnEngineerCertificateGetsAToken() {
        TestPki.Issued apiClient = fx.pki.apiClient("token-splunk");

        assertThatThrownBy(() -> AccessToken.of(
                        apiClient.certificate(), SERIAL, TICKET, ISSUER, T0, AccessToken.DEFAULT_LIFETIME, null))
                .isInstanceOf(CryptoException.class)
                .hasMessage("an access token is issued to an engineer certificate, not to api-client token-splunk");
        assertThatThrownBy(() -> AccessToken.of(
                        fx.appliance.certificate(), SERIAL, TICKET, ISSUER, T0, AccessToken.DEFAULT_LIFETIME, null))
                .isInstanceOf(CryptoException.class)
                .hasMessageContaining("not to appliance " + SERIAL);
    }

    @Test
    void lifetimeMustBePositiveAndAtMostSevenDays() {
        assertThat(token(T0, T0.plus(AccessToken.MAX_LIFETIME)).lifetime()).isEqualTo(Duration.ofDays(7));
        assertThatThrownBy(() -> token(T0, T0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("lifetime: PT0S (expected: > 0, expiry after issue)");
        assertThatThrownBy(() -> token(T0, T0.minusSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> token(T0, T0.plus(AccessToken.MAX_LIFETIME).plusSeconds(1)))
                .isInstanceOfSatisfying(
                        TokenRefusedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TOO_LONG_LIVED))
                .hasMessage("access token refused: a lifetime of 7 days 1 s exceeds the maximum of 7 days");
    }

    @Test
    void claimsMustBeWellFormed() {
        assertThatThrownBy(() -> new AccessToken(
                        "alice",
                        SERIAL,
                        TICKET,
                        "not-a-thumbprint",
                        ISSUER,
                        T0,
                        T0.plusSeconds(60),
                        UUID.randomUUID(),
                        Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("holderThumbprint:");
        assertThatThrownBy(() -> new AccessToken(
                        "",
                        SERIAL,
                        TICKET,
                        thumbprint,
                        ISSUER,
                        T0,
                        T0.plusSeconds(60),
                        UUID.randomUUID(),
                        Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("engineer:");
        assertThatThrownBy(() -> new AccessToken(
                        "alice",
                        SERIAL,
                        "1234567a",
                        thumbprint,
                        ISSUER,
                        T0,
                        T0.plusSeconds(60),
                        UUID.randomUUID(),
                        Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ticket: '1234567a' (expected: exactly 8 digits)");
    }

    @Test
    void toStringShowsTheClaimsOnOneLine() {
        AccessToken token = new AccessToken(
                "alice",
                SERIAL,
                TICKET,
                thumbprint,
                ISSUER,
                T0,
                T0.plusSeconds(3600),
                UUID.fromString("00000000-0000-4000-8000-000000000001"),
                Optional.of("disk full"));

        assertThat(token)
                .hasToString("access token 00000000-0000-4000-8000-000000000001 for engineer alice on"
                        + " appliance SN-TOKEN-1, ticket 12345678, holder x5t#S256=" + thumbprint + ", issued by "
                        + ISSUER + " at 2030-01-15T10:00:00Z, expires 2030-01-15T11:00:00Z, reason 'disk full'");
    }

    /** A case's token carries its scope as a claim, signed, and the verifier gives it back as issued. */
    @Test
    void aCaseTokenCarriesItsScopeThroughSigningAndVerifying() {
        TokenScope scope = new TokenScope("C" + TICKET, List.of("web"), List.of("raid-status"), List.of("/var/log"));
        SignedAccessToken issued =
                fx.issuer.issue(fx.alice.certificate(), SERIAL, TICKET, Duration.ofHours(2), null, scope);

        AccessToken verified =
                fx.verifier(T0.plusSeconds(10)).verify(issued.serialize(), SERIAL, fx.alice.certificate(), t -> true);
        assertThat(verified.scope()).contains(scope);
        assertThat(SignedAccessToken.parseUnverified(issued.serialize()).claims())
                .isEqualTo(issued.claims());
        assertThat(verified.toString())
                .endsWith(", limited to case C12345678: services web; commands raid-status; folders /var/log");
        assertThat(fx.token().claims().scope()).isEmpty();
        assertThatThrownBy(() ->
                        fx.issuer.issue(fx.alice.certificate(), SERIAL, "87654321", Duration.ofHours(1), null, scope))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("scope.case: C12345678 is not the case of ticket 87654321 (expected: C87654321)");
    }

    /** What the gate asks a scope: the commands and services by name, files inside a folder after normalising. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', textBlock = """
            command in the scope             ; command ; raid-status             ; true
            command outside                  ; command ; shell                   ; false
            file inside a folder             ; file    ; /var/log/messages       ; true
            the folder itself                ; file    ; /var/log                ; true
            a sibling sharing a prefix       ; file    ; /var/log2/x             ; false
            out through ..                   ; file    ; /var/log/../../etc/shadow ; false
            a relative path                  ; file    ; var/log/messages        ; false
            a path with a NUL                ; file    ; /var/log/a<NUL>b        ; false
            service in the scope             ; service ; web                     ; true
            service outside                  ; service ; ssh                     ; false
            """)
    void aScopeAllowsOnlyWhatItNames(String what, String kind, String target, boolean allowed) {
        TokenScope scope = new TokenScope("C" + TICKET, List.of("web"), List.of("raid-status"), List.of("/var/log"));
        String text = target.replace("<NUL>", "\0");
        boolean answer =
                switch (kind) {
                    case "command" -> scope.allowsCommand(text);
                    case "file" -> scope.allowsFile(text);
                    default -> scope.allowsService(text);
                };
        assertThat(answer).as(what).isEqualTo(allowed);
        assertThat(new TokenScope("C" + TICKET, List.of(), List.of(), List.of()).allowsSomeService())
                .isFalse();
    }

    /** The scope claim is untrusted input: each malformed one is refused as MALFORMED, naming the field. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            not an object           | "web"                                                   | scope: expected an object {case, services, commands, folders}
            no case                 | {"commands": ["a"]}                                     | scope.case: missing or not a string
            case of another ticket  | {"case": "C87654321"}                                   | scope.case: C87654321 is not the case of ticket 12345678 (expected: C12345678)
            case not C and 8 digits | {"case": "12345678"}                                    | scope.case: '12345678' (expected: C and eight digits)
            unknown field           | {"case": "C12345678", "shell": true}                    | scope: unknown field 'shell' (expected: case, services, commands, folders)
            a list of numbers       | {"case": "C12345678", "commands": [1]}                  | scope.commands: expected a list of strings
            not a list              | {"case": "C12345678", "services": "web"}                | scope.services: expected a list of strings
            a name with a space     | {"case": "C12345678", "commands": ["rm -rf"]}           | scope.commands: 'rm -rf' (expected: a name of letters, digits, . _ -)
            a relative folder       | {"case": "C12345678", "folders": ["var/log"]}           | scope.folders: 'var/log' (expected: an absolute path without '..', at most 1024 characters)
            a folder with ..        | {"case": "C12345678", "folders": ["/var/../etc"]}       | scope.folders: '/var/../etc' (expected: an absolute path without '..', at most 1024 characters)
            a folder with a newline | {"case": "C12345678", "folders": ["/var/log\\nx"]}     | scope.folders: '/var/log?x' (expected: an absolute path without '..', at most 1024 characters)
            """)
    void aMalformedScopeClaimIsRefusedNamingTheField(String what, String scope, String message) throws Exception {
        JWTClaimsSet claims = JWTClaimsSet.parse("{\"aud\":\"" + SERIAL + "\",\"iss\":\"" + ISSUER
                + "\",\"sub\":\"alice\",\"iat\":1894701600,\"exp\":1894705200,"
                + "\"jti\":\"6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b\",\"ticket\":\"" + TICKET + "\","
                + "\"cnf\":{\"x5t#S256\":\"" + thumbprint + "\"},\"scope\":" + scope + "}");

        assertThatThrownBy(() -> AccessToken.fromClaims(claims))
                .as(what)
                .isInstanceOfSatisfying(
                        TokenRefusedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED))
                .hasMessage("access token refused: its claims are not valid: " + message);
    }

    @Test
    void aScopeHasAtMostSixtyFourOfEach() {
        List<String> many =
                java.util.stream.IntStream.range(0, 65).mapToObj(i -> "c" + i).toList();
        assertThatThrownBy(() -> new TokenScope("C" + TICKET, List.of(), many, List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("scope.commands: 65 items (expected: at most 64)");
    }

    @Test
    void durationsAreDescribedForPeople() {
        assertThat(AccessToken.describe(Duration.ofDays(8))).isEqualTo("8 days");
        assertThat(AccessToken.describe(Duration.ofMinutes(150))).isEqualTo("2 h 30 min");
        assertThat(AccessToken.describe(Duration.ofDays(1).plusSeconds(5))).isEqualTo("1 day 5 s");
    }
}
