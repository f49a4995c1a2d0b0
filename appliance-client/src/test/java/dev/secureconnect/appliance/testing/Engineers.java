package dev.secureconnect.appliance.testing;

import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.crypto.token.AccessTokenIssuer;
import dev.secureconnect.crypto.token.SignedAccessToken;
import dev.secureconnect.crypto.token.TokenSigningKey;
import dev.secureconnect.tunnel.link.LinkProtocol;
import dev.secureconnect.tunnel.link.SessionCredentials;
import dev.secureconnect.tunnel.link.StreamRequest;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * The server's side of engineer access for tests: a token-signing key (its public set written for the appliance to
 * pin), engineer certificates of the test PKI, tokens issued to them, and the session requests the server would send
 * on the link with those credentials.
 */
public final class Engineers {

    public final TokenSigningKey key = TokenSigningKey.generate();
    public final AccessTokenIssuer issuer = new AccessTokenIssuer(key, "support.test", Clock.systemUTC());
    public final TestPki.Issued alice = TestPki.shared().engineer("alice");
    public final TestPki.Issued bob = TestPki.shared().engineer("bob");

    /** Writes the public JWK Set into {@code dir/token-keys.pub.json}. */
    public Path writePublicKeySet(Path dir) {
        try {
            Files.createDirectories(dir);
            return Files.writeString(dir.resolve("token-keys.pub.json"), key.publicJwkSet(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public SignedAccessToken token(TestPki.Issued engineer, String serial, String ticket) {
        return issuer.issue(engineer.certificate(), serial, ticket);
    }

    /** A token issued by {@code issuing} (e.g. with another clock or key). */
    public static SignedAccessToken token(
            AccessTokenIssuer issuing, TestPki.Issued engineer, String serial, String ticket, Duration lifetime) {
        return issuing.issue(engineer.certificate(), serial, ticket, lifetime, null);
    }

    /** What the server sends with a session request: a fresh session id, the token's ticket, the certificate. */
    public static SessionCredentials credentials(String token, String ticket, X509Certificate presented) {
        return new SessionCredentials(UUID.randomUUID().toString(), ticket, token, "alice", base64(presented));
    }

    public SessionCredentials credentials(TestPki.Issued engineer, String serial, String ticket) {
        return credentials(token(engineer, serial, ticket).serialize(), ticket, engineer.certificate());
    }

    public static String base64(X509Certificate certificate) {
        try {
            return Base64.getEncoder().encodeToString(certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Http2Headers connect(int port, SessionCredentials credentials) {
        return credentials.addTo(StreamRequest.loopback(port, credentials.sessionId(), credentials.ticket())
                .toHeaders());
    }

    public static Http2Headers exec(String command, List<String> args, SessionCredentials credentials) {
        Http2Headers headers = new DefaultHttp2Headers()
                .method("POST")
                .scheme("https")
                .path(LinkProtocol.PATH_EXEC)
                .authority("appliance")
                .set(LinkProtocol.HEADER_COMMAND, command);
        if (args != null) {
            headers.set(
                    LinkProtocol.HEADER_ARGS,
                    "["
                            + String.join(
                                    ",",
                                    args.stream().map(Engineers::jsonString).toList()) + "]");
        }
        return credentials.addTo(headers);
    }

    public static Http2Headers file(String method, String path, SessionCredentials credentials) {
        return credentials.addTo(new DefaultHttp2Headers()
                .method(method)
                .scheme("https")
                .authority("appliance")
                .path(LinkProtocol.PATH_FILES + "?" + LinkProtocol.QUERY_PATH + "="
                        + URLEncoder.encode(path, StandardCharsets.UTF_8)));
    }

    private static String jsonString(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
