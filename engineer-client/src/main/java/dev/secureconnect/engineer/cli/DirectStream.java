package dev.secureconnect.engineer.cli;

import dev.secureconnect.engineer.client.StreamPump;
import dev.secureconnect.engineer.client.StreamSink;
import dev.secureconnect.tunnel.link.StreamOpener;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/** A session stream on the command's own connection to the server; closing it closes the connection. */
final class DirectStream implements SessionStream {

    private final LoggedIn loggedIn;
    private final StreamOpener.Opened opened;
    private final StreamPump pump;

    DirectStream(LoggedIn loggedIn, StreamOpener.Opened opened) {
        this.loggedIn = loggedIn;
        this.opened = opened;
        this.pump = StreamPump.on(opened.stream());
    }

    @Override
    public Optional<String> header(String name) {
        CharSequence value = opened.response().get(name);
        return value == null ? Optional.empty() : Optional.of(value.toString());
    }

    @Override
    public CompletableFuture<Map<String, String>> receive(Receiver receiver) {
        CompletableFuture<Map<String, String>> result = new CompletableFuture<>();
        StreamSink.attach(opened.stream(), bytes -> {
                    for (ByteBuffer buffer : bytes.nioBuffers()) {
                        receiver.write(buffer);
                    }
                })
                .addListener(done -> {
                    if (done.isSuccess()) {
                        result.complete(map((Http2Headers) done.getNow()));
                    } else {
                        result.completeExceptionally(done.cause());
                    }
                });
        return result;
    }

    @Override
    public long send(InputStream in, @Nullable MessageDigest digest) throws IOException {
        return pump.pump(in, digest);
    }

    @Override
    public void end() {
        opened.stream().writeAndFlush(new DefaultHttp2DataFrame(Unpooled.EMPTY_BUFFER, true));
    }

    @Override
    public void abort() {
        opened.stream().close();
    }

    @Override
    public Duration answerTimeout() {
        return loggedIn.connection().timeouts().stream();
    }

    @Override
    public void close() {
        loggedIn.close();
    }

    static Map<String, String> map(Http2Headers headers) {
        Map<String, String> map = new LinkedHashMap<>();
        for (Map.Entry<CharSequence, CharSequence> header : headers) {
            map.putIfAbsent(header.getKey().toString(), header.getValue().toString());
        }
        return map;
    }
}
