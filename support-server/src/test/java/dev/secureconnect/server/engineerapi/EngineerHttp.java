package dev.secureconnect.server.engineerapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.secureconnect.crypto.testing.TestPki;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** The JSON API as an engineer's tool calls it, with the JDK's HTTP client over mutual TLS. */
final class EngineerHttp {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final char[] PASSWORD = "test".toCharArray();

    /** An answer: its status and JSON body. */
    record Answer(int status, JsonNode body, HttpClient.Version version) {
        String text(String field) {
            return body.path(field).asText();
        }
    }

    private final HttpClient client;
    private final URI base;

    EngineerHttp(TestPki.Issued engineer, InetSocketAddress server, HttpClient.Version version) throws Exception {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(engineer.keyStore(PASSWORD), PASSWORD);
        KeyStore roots = KeyStore.getInstance("PKCS12");
        roots.load(null, null);
        roots.setCertificateEntry("root", TestPki.shared().rootCertificate());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(roots);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
        client = HttpClient.newBuilder()
                .sslContext(tls)
                .version(version)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        base = URI.create("https://localhost:" + server.getPort() + "/api/v1/");
    }

    EngineerHttp(TestPki.Issued engineer, InetSocketAddress server) throws Exception {
        this(engineer, server, HttpClient.Version.HTTP_2);
    }

    Answer post(String endpoint, String session, String body) throws Exception {
        return send(request(endpoint, session)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .header("content-type", "application/json")
                .build());
    }

    Answer get(String endpoint, String session) throws Exception {
        return send(request(endpoint, session).GET().build());
    }

    private HttpRequest.Builder request(String endpoint, String session) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(base.resolve(endpoint)).timeout(Duration.ofSeconds(20));
        if (session != null) {
            request.header("authorization", "Bearer " + session);
        }
        return request;
    }

    private Answer send(HttpRequest request) throws Exception {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode body = response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
        return new Answer(response.statusCode(), body, response.version());
    }

    /** Logs in with {@code code}; returns the session value (asserting 200). */
    String login(String code) throws Exception {
        Answer answer = post("login", null, "{\"totp\":\"" + code + "\"}");
        if (answer.status() != 200) {
            throw new AssertionError("login refused: " + answer);
        }
        return answer.text("session");
    }
}
