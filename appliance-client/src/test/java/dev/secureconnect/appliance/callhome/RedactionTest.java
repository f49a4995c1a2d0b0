package dev.secureconnect.appliance.callhome;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The table of secrets that must not leave the appliance: each line, redacted, no longer holds its secret. */
class RedactionTest {

    private static final String KEY_BODY = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n"
            + "MzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu\n";

    static Stream<Arguments> secrets() {
        return Stream.of(
                Arguments.of(
                        "private-key/pem",
                        "before\n-----BEGIN PRIVATE KEY-----\n" + KEY_BODY + "-----END PRIVATE KEY-----\nafter",
                        "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj",
                        "private-key"),
                Arguments.of(
                        "private-key/rsa",
                        "-----BEGIN RSA PRIVATE KEY-----\n" + KEY_BODY + "-----END RSA PRIVATE KEY-----",
                        "MzEfYyjiWA4R4",
                        "private-key"),
                Arguments.of(
                        "private-key/cut-at-the-end",
                        "log line\n-----BEGIN EC PRIVATE KEY-----\n" + KEY_BODY,
                        "MzEfYyjiWA4R4",
                        "private-key"),
                Arguments.of(
                        "private-key/cut-at-the-start",
                        KEY_BODY + "-----END PRIVATE KEY-----\nnext line",
                        "MzEfYyjiWA4R4",
                        "private-key-tail"),
                Arguments.of("password/equals", "db.password=hunter2 user=bob", "hunter2", "password"),
                Arguments.of("password/colon", "Password: s3cr3t!", "s3cr3t!", "password"),
                Arguments.of("password/json", "{\"password\": \"p@ss word\"}", "p@ss word", "password"),
                Arguments.of("password/quoted", "PGPASSWORD='top secret' psql", "top secret", "password"),
                Arguments.of("password/url-query", "GET /login?user=a&passwd=letmein&x=1", "letmein", "password"),
                Arguments.of("secret/key", "client_secret=abcdef0123456789", "abcdef0123456789", "password"),
                Arguments.of("api-key", "X-Api-Key: 9f8e7d6c5b4a", "9f8e7d6c5b4a", "password"),
                Arguments.of(
                        "bearer",
                        "Authorization: Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl",
                        "eyJhbGciOiJFUzI1NiJ9",
                        "bearer-token"),
                Arguments.of(
                        "basic",
                        "Authorization: Basic YWxhZGRpbjpvcGVuc2VzYW1l",
                        "YWxhZGRpbjpvcGVuc2VzYW1l",
                        "bearer-token"),
                Arguments.of(
                        "otpauth",
                        "enrol otpauth://totp/SecureConnect:alice?secret=JBSWY3DPEHPK3PXP&issuer=SecureConnect done",
                        "JBSWY3DPEHPK3PXP",
                        "otpauth-uri"),
                Arguments.of("admin-pattern", "customer-123456 reported", "customer-123456", "admin-1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("secrets")
    void theSecretDoesNotLeave(String name, String text, String secret, String rule) {
        Redaction redaction = Redaction.of(List.of(Pattern.compile("customer-[0-9]+")));
        Redaction.Counts counts = new Redaction.Counts();

        String redacted = redaction.apply(text, counts);

        assertThat(redacted).doesNotContain(secret).contains("[REDACTED");
        assertThat(counts.byRule()).containsKey(rule);
        assertThat(counts.total()).isPositive();
    }

    @ParameterizedTest(name = "harmless-{index}")
    @MethodSource("harmless")
    void harmlessTextIsLeftAlone(String text) {
        Redaction.Counts counts = new Redaction.Counts();

        assertThat(Redaction.of(List.of()).apply(text, counts)).isEqualTo(text);
        assertThat(counts.total()).isZero();
    }

    static Stream<String> harmless() {
        return Stream.of(
                "2026-12-07T10:00:00Z backup job 42 finished: 1.2 GiB in 3m",
                "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
                "the password policy changed",
                "");
    }

    @org.junit.jupiter.api.Test
    void countsAddUpAcrossTexts() {
        Redaction redaction = Redaction.of(List.of());
        Redaction.Counts counts = new Redaction.Counts();

        redaction.apply("password=a password=b", counts);
        redaction.apply("token=c", counts);

        assertThat(counts.byRule()).containsEntry("password", 3);
        assertThat(counts.total()).isEqualTo(3);
    }
}
