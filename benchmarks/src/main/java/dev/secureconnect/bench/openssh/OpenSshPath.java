package dev.secureconnect.bench.openssh;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.bench.Await;
import dev.secureconnect.bench.BenchException;
import dev.secureconnect.bench.BenchRun;
import dev.secureconnect.bench.Processes;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OpenSSH in SecureConnect's topology, for the same traffic: a private {@code sshd} on 127.0.0.1 (its own host key,
 * authorized_keys and config, {@code aes256-gcm@openssh.com} only) stands for the support server; the "appliance"
 * holds one {@code ssh -N -R} connection to it with a remote forward per local service (like our one link), and the
 * "engineer" reaches a service through {@code ssh -N -L} (like {@code sc-engineer forward}) or {@code ssh -W} (like
 * {@code sc-engineer proxy}). Two encrypted hops, as ours. Every process is one of the run's {@link Processes}.
 */
public final class OpenSshPath {

    private static final Duration STEP = Duration.ofSeconds(60);
    private static final String SSHD = "/usr/sbin/sshd";
    private static final String CIPHER = "aes256-gcm@openssh.com";

    private final BenchRun run;
    private final Path dir;
    private final int sshdPort;
    private final Map<String, Integer> remotePorts;
    private int forwards;

    private OpenSshPath(BenchRun run, Path dir, int sshdPort, Map<String, Integer> remotePorts) {
        this.run = run;
        this.dir = dir;
        this.sshdPort = sshdPort;
        this.remotePorts = remotePorts;
    }

    /**
     * Starts sshd in {@code dir} and the appliance's reverse forwards for {@code services} (name → port on
     * 127.0.0.1); returns once sshd listens on every forwarded port.
     */
    public static OpenSshPath start(BenchRun run, Path dir, Map<String, Integer> services) throws IOException {
        requireNonNull(services, "services");
        Files.createDirectories(dir);
        Files.createDirectories(Path.of("/run/sshd")); // sshd's privilege separation folder (Debian's tmpfiles.d)
        for (String key : List.of("host_key", "appliance_key", "engineer_key")) {
            run.processes()
                    .run(
                            "ssh-keygen",
                            List.of(
                                    "ssh-keygen",
                                    "-q",
                                    "-t",
                                    "ed25519",
                                    "-N",
                                    "",
                                    "-C",
                                    "sc-bench " + key,
                                    "-f",
                                    dir.resolve(key).toString()),
                            dir,
                            Map.of(),
                            STEP);
        }
        Files.writeString(
                dir.resolve("authorized_keys"),
                Files.readString(dir.resolve("appliance_key.pub")) + Files.readString(dir.resolve("engineer_key.pub")));
        int port = freePort();
        String[] hostKey = Files.readString(dir.resolve("host_key.pub")).strip().split(" ");
        Files.writeString(
                dir.resolve("known_hosts"), "[127.0.0.1]:" + port + " " + hostKey[0] + " " + hostKey[1] + "\n");
        Files.writeString(
                dir.resolve("sshd_config"),
                String.join(
                        "\n",
                        "Port " + port,
                        "ListenAddress 127.0.0.1",
                        "HostKey " + dir.resolve("host_key"),
                        "PidFile " + dir.resolve("sshd.pid"),
                        "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                        "PermitRootLogin prohibit-password",
                        "PubkeyAuthentication yes",
                        "PasswordAuthentication no",
                        "KbdInteractiveAuthentication no",
                        "UsePAM no",
                        "StrictModes no",
                        "Ciphers " + CIPHER,
                        "AllowTcpForwarding yes",
                        "GatewayPorts no",
                        "X11Forwarding no",
                        "PermitTTY no",
                        "PrintMotd no",
                        "UseDNS no",
                        "MaxStartups 100",
                        "MaxSessions 100",
                        "LogLevel INFO",
                        ""));
        Process sshd = run.processes()
                .start(
                        "sshd",
                        List.of(
                                SSHD,
                                "-D",
                                "-e",
                                "-f",
                                dir.resolve("sshd_config").toString()),
                        dir,
                        Map.of());
        Await.until(STEP, "sshd's start on 127.0.0.1:" + port, () -> {
            ensureRunning(sshd, run, "sshd");
            return answersBanner(port);
        });

        Map<String, Integer> remotePorts = new LinkedHashMap<>();
        List<String> reverse = new ArrayList<>();
        for (Map.Entry<String, Integer> service : services.entrySet()) {
            int remote = freePort();
            remotePorts.put(service.getKey(), remote);
            reverse.add("-R");
            reverse.add("127.0.0.1:" + remote + ":127.0.0.1:" + service.getValue());
        }
        OpenSshPath path = new OpenSshPath(run, dir, port, remotePorts);
        Process appliance =
                run.processes().start("ssh-appliance", path.ssh("appliance_key", "-N", reverse), dir, Map.of());
        for (int remote : remotePorts.values()) {
            Await.until(STEP, "ssh -R's forward on 127.0.0.1:" + remote, () -> {
                ensureRunning(appliance, run, "ssh-appliance");
                return listening(remote);
            });
        }
        return path;
    }

    /** Starts {@code ssh -N -L 127.0.0.1:LPORT:127.0.0.1:RPORT} to {@code service}; returns LPORT once it listens. */
    public int forward(String service) {
        int local = freePort();
        String name = "ssh-forward-" + service + "-" + (++forwards);
        Process forward = run.processes()
                .start(
                        name,
                        ssh(
                                "engineer_key",
                                "-N",
                                List.of("-L", "127.0.0.1:" + local + ":127.0.0.1:" + remotePort(service))),
                        dir,
                        Map.of());
        Await.until(STEP, "ssh -L's listener on 127.0.0.1:" + local, () -> {
            ensureRunning(forward, run, name);
            return listening(local);
        });
        return local;
    }

    /** The command line of {@code ssh -W 127.0.0.1:RPORT}: {@code service}'s bytes on its standard output. */
    public List<String> firstByteCommand(String service) {
        return ssh("engineer_key", "-W", List.of("127.0.0.1:" + remotePort(service)));
    }

    public Path dir() {
        return dir;
    }

    private int remotePort(String service) {
        Integer port = remotePorts.get(service);
        if (port == null) {
            throw new IllegalArgumentException(
                    "service: " + service + " (expected one of " + remotePorts.keySet() + ")");
        }
        return port;
    }

    private List<String> ssh(String key, String mode, List<String> modeArgs) {
        List<String> command = new ArrayList<>(List.of(
                "ssh",
                "-F",
                "/dev/null",
                "-i",
                dir.resolve(key).toString(),
                "-o",
                "IdentitiesOnly=yes",
                "-o",
                "UserKnownHostsFile=" + dir.resolve("known_hosts"),
                "-o",
                "GlobalKnownHostsFile=/dev/null",
                "-o",
                "StrictHostKeyChecking=yes",
                "-c",
                CIPHER,
                "-o",
                "Compression=no",
                "-o",
                "BatchMode=yes",
                "-o",
                "ExitOnForwardFailure=yes",
                "-o",
                "LogLevel=ERROR",
                "-p",
                Integer.toString(sshdPort)));
        command.add(mode);
        command.addAll(modeArgs);
        command.add(System.getProperty("user.name") + "@127.0.0.1");
        return command;
    }

    private static void ensureRunning(Process process, BenchRun run, String name) {
        if (!process.isAlive()) {
            throw new BenchException(name + " ended (exit " + process.exitValue() + "): see the logs in "
                    + run.processes().logs());
        }
    }

    /** A port free now (bound to 0, then released): another process may take it first, rare enough here. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new BenchException("cannot find a free port on 127.0.0.1: " + e.getMessage(), e);
        }
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException e) {
            return false; // not listening yet
        }
    }

    private static boolean answersBanner(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            socket.setSoTimeout(5000);
            InputStream in = socket.getInputStream();
            byte[] start = in.readNBytes(4);
            return new String(start, StandardCharsets.US_ASCII).equals("SSH-");
        } catch (IOException e) {
            return false; // not listening yet
        }
    }
}
