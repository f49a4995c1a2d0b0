package dev.secureconnect.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Services on the appliance's loopback for the tests: an echo, a SHA-256 sink (answers the digest of all it read
 * once the client half-closes), and a trap that only counts connections (it must never be dialled).
 */
final class LocalServices implements AutoCloseable {

    final ServerSocket echo;
    final ServerSocket sha256;
    final ServerSocket trap;
    final AtomicInteger trapConnections = new AtomicInteger();
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "local-service");
        thread.setDaemon(true);
        return thread;
    });

    LocalServices() throws IOException {
        echo = listen();
        sha256 = listen();
        trap = listen();
        serve(echo, socket -> socket.getInputStream().transferTo(socket.getOutputStream()));
        serve(sha256, socket -> {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            InputStream in = socket.getInputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                digest.update(buffer, 0, n);
            }
            OutputStream out = socket.getOutputStream();
            out.write(digest.digest());
            out.flush();
        });
        serve(trap, socket -> trapConnections.incrementAndGet());
    }

    private static ServerSocket listen() throws IOException {
        return new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    }

    interface Handler {
        void handle(Socket socket) throws IOException, NoSuchAlgorithmException;
    }

    private void serve(ServerSocket listener, Handler handler) {
        threads.execute(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket socket = listener.accept();
                    threads.execute(() -> {
                        try (socket) {
                            handler.handle(socket);
                        } catch (IOException | NoSuchAlgorithmException e) {
                            // the test on the other end reports what it did not receive
                        }
                    });
                } catch (IOException e) {
                    return; // closed
                }
            }
        });
    }

    @Override
    public void close() throws IOException {
        echo.close();
        sha256.close();
        trap.close();
        threads.shutdownNow();
    }
}
