package dev.secureconnect.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real OpenSSH {@code sshd} as an appliance's local service, on 127.0.0.1 and a port chosen by the system: a
 * listener on port 0 starts {@code sshd -i} (inetd mode) for each connection, as socket activation does, so no fixed
 * port is ever used. Public-key login only, for the user running the tests, with a key made for the test.
 */
final class OpenSshd implements AutoCloseable {

    static final Path SSHD = Path.of("/usr/sbin/sshd");

    final Path dir;
    final Path clientKey;
    final Path knownHosts;
    final String user = System.getProperty("user.name");
    private final ServerSocket listener;
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "sshd-inetd");
        thread.setDaemon(true);
        return thread;
    });
    private final List<Process> processes = new ArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();

    OpenSshd(Path dir) throws IOException, InterruptedException {
        this.dir = Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Path hostKey = dir.resolve("host_ed25519");
        clientKey = dir.resolve("client_ed25519");
        knownHosts = dir.resolve("known_hosts");
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostKey.toString());
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", clientKey.toString());
        Files.copy(clientKey.resolveSibling("client_ed25519.pub"), dir.resolve("authorized_keys"));
        Files.createDirectories(Path.of("/run/sshd")); // privilege separation directory sshd insists on
        Files.writeString(
                dir.resolve("sshd_config"),
                String.join(
                        "\n",
                        "HostKey " + hostKey,
                        "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                        "PasswordAuthentication no",
                        "KbdInteractiveAuthentication no",
                        "PubkeyAuthentication yes",
                        "PermitRootLogin prohibit-password",
                        "StrictModes no",
                        "UsePAM no",
                        "PidFile none",
                        "LogLevel ERROR",
                        "Subsystem sftp internal-sftp",
                        ""),
                StandardCharsets.UTF_8);
        run(SSHD.toString(), "-t", "-f", dir.resolve("sshd_config").toString());
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::accept);
    }

    int port() {
        return listener.getLocalPort();
    }

    /** How many connections reached sshd so far. */
    int connections() {
        return connections.get();
    }

    /** The {@code ssh}/{@code scp} options that log in to this sshd with the test key. */
    List<String> clientOptions() {
        return List.of(
                "-F",
                "/dev/null",
                "-i",
                clientKey.toString(),
                "-o",
                "IdentitiesOnly=yes",
                "-o",
                "BatchMode=yes",
                "-o",
                "StrictHostKeyChecking=accept-new",
                "-o",
                "UserKnownHostsFile=" + knownHosts,
                "-o",
                "LogLevel=ERROR",
                "-o",
                "ConnectTimeout=30");
    }

    private void accept() {
        while (!listener.isClosed()) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            connections.incrementAndGet();
            try {
                Process sshd = new ProcessBuilder(
                                SSHD.toString(),
                                "-i",
                                "-e",
                                "-f",
                                dir.resolve("sshd_config").toString())
                        .redirectError(ProcessBuilder.Redirect.appendTo(
                                dir.resolve("sshd.log").toFile()))
                        .start();
                synchronized (processes) {
                    processes.add(sshd);
                }
                threads.execute(() -> pump(socket, sshd.getInputStream(), socket::shutdownOutput));
                threads.execute(() -> pumpInput(socket, sshd));
            } catch (IOException e) {
                close(socket);
                throw new UncheckedIOException(e);
            }
        }
    }

    private static void pumpInput(Socket socket, Process sshd) {
        try (InputStream in = socket.getInputStream();
                OutputStream out = sshd.getOutputStream()) {
            copyFlushing(in, out); // the process's stdin is buffered: each chunk must reach sshd as it comes
        } catch (IOException e) {
            // the connection or sshd ended: nothing more to pass on
        }
        try {
            sshd.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close(socket);
    }

    private static void pump(Socket socket, InputStream from, Ender end) {
        try (from) {
            copyFlushing(from, socket.getOutputStream());
            end.end();
        } catch (IOException e) {
            close(socket);
        }
    }

    private static void copyFlushing(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[16 * 1024];
        for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
            out.write(buffer, 0, read);
            out.flush();
        }
    }

    private interface Ender {
        void end() throws IOException;
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output.strip());
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        synchronized (processes) {
            processes.forEach(Process::destroyForcibly);
        }
        threads.shutdownNow();
    }
}
