package dev.secureconnect.appliance.console;

import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.testing.Eventually;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** A real HTTPS client of a running console, trusting its self-signed certificate and holding its session cookie. */
public final class ConsoleClient {

    public final String url;
    private final HttpClient http;
    public String cookie;
    public String csrf;

    private ConsoleClient(String url, HttpClient http) {
        this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.http = http;
    }

    /** Waits for the daemon of {@code dir} to write its console's address, then trusts the certificate it made. */
    public static ConsoleClient of(Path dir) throws Exception {
        ApplianceDirectory directory = ApplianceDirectory.open(dir);
        Path urlFile = directory.runDir().resolve(ConsoleServer.URL_FILE);
        Eventually.await(
                "the console's address in " + urlFile, Duration.ofSeconds(30), () -> Files.exists(urlFile), ok -> ok);
        String url = Files.readString(urlFile).strip();
        List<X509Certificate> chain =
                Pem.readCertificates(directory.resolve(ConsoleCertificate.SELF_SIGNED_CERTIFICATE));
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("console", chain.get(chain.size() - 1));
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, factory.getTrustManagers(), null);
        HttpClient http = HttpClient.newBuilder()
                .sslContext(tls)
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        return new ConsoleClient(url, http);
    }

    public HttpResponse<String> send(String method, String path, String body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path))
                .timeout(Duration.ofSeconds(20))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        boolean typed = false;
        for (int i = 0; i < headers.length; i += 2) {
            typed |= headers[i].equalsIgnoreCase("Content-Type");
        }
        if (body != null && !typed) {
            request.header("Content-Type", "application/json");
        }
        if (cookie != null) {
            request.header("Cookie", ConsoleApi.COOKIE + "=" + cookie);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A signed-in streaming GET (the live feed). */
    public HttpResponse<java.io.InputStream> stream(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + path))
                .header("Cookie", ConsoleApi.COOKIE + "=" + cookie)
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send("GET", path, null);
    }

    /** A state change with the session's CSRF token. */
    public HttpResponse<String> change(String method, String path, String body)
            throws IOException, InterruptedException {
        return send(method, path, body, ConsoleApi.CSRF_HEADER, csrf);
    }

    /** Signs in; returns the answer (the cookie and token are kept on success). */
    public HttpResponse<String> signIn(String name, String password) throws IOException, InterruptedException {
        HttpResponse<String> response =
                send("POST", "/api/session", "{\"name\":\"" + name + "\",\"password\":\"" + password + "\"}");
        if (response.statusCode() == 200) {
            String setCookie = response.headers().firstValue("Set-Cookie").orElseThrow();
            cookie = setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
            String body = response.body();
            int at = body.indexOf("\"csrf\":\"") + 8;
            csrf = body.substring(at, body.indexOf('"', at));
        }
        return response;
    }
}
