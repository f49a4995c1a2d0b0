package dev.secureconnect.export.webhook;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JDK HTTP(S) server on {@code 127.0.0.1:0} for one test: it records every request and answers as the test says
 * (204 by default). A {@link #hang() hanging} answer is released when the test ends.
 */
final class WebhookReceiver implements BeforeEachCallback, AfterEachCallback {

    /** A request as received: the headers and the raw body. */
    record Received(String method, String path, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            return headers.entrySet().stream()
                    .filter(entry -> entry.getKey().equalsIgnoreCase(name))
                    .map(entry -> entry.getValue().get(0))
                    .findFirst()
                    .orElse(null);
        }
    }

    /** How the receiver answers. */
    interface Answer {
        void answer(HttpExchange exchange) throws IOException;
    }

    private final SSLContext tls;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile Answer answer = status(204, "");
    private HttpServer server;
    private ExecutorService executor;

    private WebhookReceiver(SSLContext tls) {
        this.tls = tls;
    }

    static WebhookReceiver http() {
        return new WebhookReceiver(null);
    }

    static WebhookReceiver https(SSLContext tls) {
        return new WebhookReceiver(tls);
    }

    static Answer status(int status, String body) {
        return exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            if (status == 302) {
                exchange.getResponseHeaders().add("Location", "http://127.0.0.1:1/elsewhere");
            }
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        };
    }

    /** Never answers until the test ends. */
    Answer hang() {
        return exchange -> {
            try {
                released.await(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        };
    }

    void answer(Answer next) {
        this.answer = next;
    }

    URI url(String path) {
        return URI.create((tls == null ? "http" : "https") + "://127.0.0.1:"
                + server.getAddress().getPort() + path);
    }

    Received take(Duration wait) throws InterruptedException {
        return received.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        if (tls == null) {
            server = HttpServer.create(address, 0);
        } else {
            HttpsServer https = HttpsServer.create(address, 0);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            server = https;
        }
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(new Received(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getPath(),
                    Map.copyOf(exchange.getRequestHeaders()),
                    body));
            answer.answer(exchange);
        });
        executor = Executors.newCachedThreadPool();
        server.setExecutor(executor);
        server.start();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        released.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
