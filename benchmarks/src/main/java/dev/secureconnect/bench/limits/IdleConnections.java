package dev.secureconnect.bench.limits;

import dev.secureconnect.bench.BenchException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An attacker's idle connections: TCP connections that never send a TLS hello, {@value #PER_SOURCE} from each
 * loopback source address from 127.0.0.2 up (just under the server's per-source cap on unfinished handshakes, 64), so
 * that the listeners hold them as they would hold those of many hosts. The server closes each at its handshake
 * time-out; a thread opens it again at once from the same address, so the count stays up for as long as it runs.
 */
final class IdleConnections implements AutoCloseable {

    /** Connections per source address: the server closes the 65th at accept (limits.halfOpenPerSource 64). */
    static final int PER_SOURCE = 60;

    /** Re-opened connections beyond which something closes them faster than the handshake time-out would. */
    private static final long MAX_REOPENED = 1_000_000;

    private final Selector selector;
    private final Thread keeper;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong reopened = new AtomicLong();
    private volatile boolean stopping;
    private volatile String failure = "";

    private IdleConnections(Selector selector) {
        this.selector = selector;
        this.keeper = new Thread(this::keep, "sc-bench-idle-connections");
        this.keeper.setDaemon(true);
    }

    /**
     * Opens {@code perListener} idle connections to each of {@code listeners} and keeps them open until closed.
     * Source addresses are numbered from 127.0.0.2 on, a fresh run of them for each listener.
     */
    static IdleConnections open(List<InetSocketAddress> listeners, int perListener) throws IOException {
        IdleConnections idle = new IdleConnections(Selector.open());
        int source = 0;
        try {
            for (InetSocketAddress listener : listeners) {
                for (int i = 0; i < perListener; i++) {
                    idle.connect(new Slot(sourceAddress(source + i / PER_SOURCE), listener));
                }
                source += (perListener + PER_SOURCE - 1) / PER_SOURCE;
            }
        } catch (IOException | RuntimeException e) {
            idle.close();
            throw e;
        }
        idle.keeper.start();
        return idle;
    }

    /** The {@code n}-th source address: 127.0.0.2, 127.0.0.3, … 127.0.1.0, … */
    static InetAddress sourceAddress(int n) {
        int host = n + 2;
        if (host > 0xFFFFFE) {
            throw new IllegalArgumentException("source " + n + ": beyond 127.255.255.254");
        }
        try {
            return InetAddress.getByAddress(new byte[] {127, (byte) (host >>> 16), (byte) (host >>> 8), (byte) host});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Connections open now (connected, not yet closed by the server). */
    int open() {
        return open.get();
    }

    /** Connections opened again after the server closed them. */
    long reopened() {
        return reopened.get();
    }

    private record Slot(InetAddress source, InetSocketAddress listener) {}

    private void connect(Slot slot) throws IOException {
        SocketChannel socket = SocketChannel.open();
        try {
            socket.bind(new InetSocketAddress(slot.source(), 0));
            socket.connect(slot.listener()); // blocking: loopback, the kernel completes it
            socket.configureBlocking(false);
            socket.register(selector, SelectionKey.OP_READ, slot);
        } catch (IOException e) {
            socket.close();
            throw new IOException(
                    "idle connection from " + slot.source().getHostAddress() + " to " + slot.listener() + ": "
                            + e.getMessage(),
                    e);
        }
        open.incrementAndGet();
    }

    /** Notes the connections the server closed and opens each again. */
    private void keep() {
        ByteBuffer buffer = ByteBuffer.allocate(512);
        try {
            while (!stopping) {
                selector.select(100);
                List<Slot> closed = new ArrayList<>();
                for (SelectionKey key : selector.selectedKeys()) {
                    SocketChannel socket = (SocketChannel) key.channel();
                    buffer.clear();
                    int read;
                    try {
                        read = socket.read(buffer);
                    } catch (IOException e) {
                        read = -1; // reset
                    }
                    if (read < 0) {
                        key.cancel();
                        socket.close();
                        open.decrementAndGet();
                        closed.add((Slot) key.attachment());
                    }
                }
                selector.selectedKeys().clear();
                selector.selectNow(); // deregisters the cancelled keys before their sockets' slots are reused
                if (reopened.get() > MAX_REOPENED) {
                    throw new BenchException("the server closed " + reopened.get() + " idle connections: more than"
                            + " its handshake time-out explains (closed at accept?)");
                }
                for (Slot slot : closed) {
                    if (stopping) {
                        break;
                    }
                    connect(slot);
                    reopened.incrementAndGet();
                }
            }
        } catch (IOException | RuntimeException e) {
            failure = e.toString();
        }
    }

    /** Throws if keeping the connections open failed. */
    void check() {
        if (!failure.isEmpty()) {
            throw new BenchException("cannot keep the idle connections open: " + failure);
        }
    }

    @Override
    public void close() throws IOException {
        stopping = true;
        if (keeper.isAlive()) {
            try {
                keeper.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (SelectionKey key : selector.keys()) {
            key.channel().close();
        }
        selector.close();
    }
}
