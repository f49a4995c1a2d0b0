package dev.secureconnect.bench.jmh;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.appliance.access.AccessVerdict;
import dev.secureconnect.appliance.access.EngineerAccess;
import dev.secureconnect.appliance.access.Revocations;
import dev.secureconnect.appliance.access.SessionAuthorizer;
import dev.secureconnect.appliance.access.TokenKeys;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.appliance.config.Enrolment;
import dev.secureconnect.appliance.config.ServerAddress;
import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.token.AccessToken;
import dev.secureconnect.crypto.token.AccessTokenIssuer;
import dev.secureconnect.crypto.token.AccessTokenVerifier;
import dev.secureconnect.crypto.token.TokenSigningKey;
import dev.secureconnect.tunnel.link.SessionCredentials;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: the appliance's check of an access token. An ES256 token issued by {@link AccessTokenIssuer} for engineer
 * {@code bench-alice}'s certificate, appliance {@value #SERIAL}, ticket {@value #TICKET}, checked
 *
 * <ul>
 *   <li>{@link #verify}: by {@link AccessTokenVerifier} alone (signature, type, audience = serial, expiry,
 *       holder-of-key binding to the certificate, revocation, ticket) — the cost both server and appliance pay;</li>
 *   <li>{@link #authorizeOnAppliance}: by the appliance's own {@link SessionAuthorizer}, as its daemon runs it on
 *       every session request: the pinned key set read from {@code token-keys.json}, the engineer certificate decoded
 *       from the request's base64 DER and validated against the appliance's CA, then the verifier.</li>
 * </ul>
 *
 * Scores in µs per check.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@SuppressWarnings("NullAway.Init") // JMH sets the fields in @Setup and @Param before any benchmark method
public class AccessTokenBenchmark {

    static final String SERIAL = "SN-BENCH-1";
    static final String TICKET = "12345678";

    private static final Predicate<String> TICKET_CONNECTED = TICKET::equals;

    private Path folder;
    private String token;
    private X509Certificate engineerCertificate;
    private AccessTokenVerifier verifier;
    private SessionAuthorizer authorizer;
    private SessionCredentials credentials;

    @Setup(Level.Trial)
    public void setUp() throws CertificateEncodingException {
        folder = BenchmarkPki.newFolder("token");
        BenchmarkPki pki = BenchmarkPki.shared();
        BenchmarkPki.Issued engineer = pki.engineer("bench-alice");
        engineerCertificate = engineer.certificate();
        AccessTokenIssuer issuer = new AccessTokenIssuer(TokenSigningKey.generate(), "localhost", Clock.systemUTC());
        token = issuer.issue(engineerCertificate, SERIAL, TICKET).serialize();
        verifier = AccessTokenVerifier.builder()
                .trustJwkSet(issuer.publicJwkSet())
                .revoked(id -> false)
                .build();

        // an appliance directory as 'sc-appliance init' and 'sc-appliance token-key' leave it
        BenchmarkPki.Issued appliance = pki.appliance(SERIAL);
        BenchmarkPki.write(folder.resolve("cert.pem"), Pem.certificates(List.of(appliance.certificate())));
        BenchmarkPki.write(
                folder.resolve("key.pem"), Pem.privateKey(appliance.keyPair().getPrivate()));
        BenchmarkPki.write(folder.resolve("chain.pem"), Pem.certificates(List.of(pki.issuingCertificate())));
        BenchmarkPki.write(folder.resolve("ca.pem"), Pem.certificates(List.of(pki.rootCertificate())));
        Path dir = folder.resolve("appliance");
        Enrolment.init(
                new Enrolment.Request(
                        dir,
                        ServerAddress.parse("localhost:8443"),
                        folder.resolve("cert.pem"),
                        folder.resolve("key.pem"),
                        folder.resolve("chain.pem"),
                        folder.resolve("ca.pem")),
                Clock.systemUTC());
        ApplianceDirectory directory = ApplianceDirectory.open(dir);
        TokenKeys.pin(directory, BenchmarkPki.write(folder.resolve("token-keys.json"), issuer.publicJwkSet()));
        Enrolment.Material material = Enrolment.load(directory, directory.config(), Clock.systemUTC());
        authorizer = new SessionAuthorizer(
                directory,
                material.serial(),
                material.trust(),
                Revocations.load(directory, Clock.systemUTC()),
                Clock.systemUTC());
        credentials = new SessionCredentials(
                "bench-session",
                TICKET,
                token,
                "bench-alice",
                Base64.getEncoder().encodeToString(engineerCertificate.getEncoded()));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        BenchmarkPki.deleteTree(folder);
    }

    /** The token verifier alone, as both server and appliance run it. */
    @Benchmark
    public AccessToken verify() {
        return verifier.verify(token, SERIAL, engineerCertificate, TICKET_CONNECTED);
    }

    /** The appliance's whole check of a session request's credentials. */
    @Benchmark
    public AccessToken authorizeOnAppliance() {
        AccessVerdict<EngineerAccess> verdict = authorizer.authorize(credentials, TICKET_CONNECTED);
        if (!verdict.allowed()) {
            throw new IllegalStateException("the appliance refused the benchmark's token: " + verdict.reason());
        }
        return requireNonNull(verdict.value(), "an allowed verdict has its token")
                .token();
    }
}
