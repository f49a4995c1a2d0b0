package dev.secureconnect.engineer.cli;

import dev.secureconnect.crypto.token.SignedAccessToken;
import dev.secureconnect.engineer.client.LastingConnection;
import dev.secureconnect.engineer.client.LocalForward;
import dev.secureconnect.engineer.client.SessionRequests;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code forward SERIAL [LOCALPORT:]REMOTEPORT}: a local listener whose connections reach a service on the appliance. */
@Command(
        name = "forward",
        description = "Listens on 127.0.0.1:LOCALPORT (any free port when 0 or omitted) and relays"
                + " every connection to port REMOTEPORT on the appliance's loopback, until stopped. Prints"
                + " 'forwarding 127.0.0.1:PORT -> SERIAL:REMOTEPORT' once listening. When the connection to the"
                + " server drops, the connections in flight end (one line each says why), the port stays open and"
                + " the connection is made again with back-off; a connection made meanwhile waits for it.")
final class ForwardCommand implements Callable<Integer> {

    private final Console console;

    @Parameters(
            index = "0",
            paramLabel = "SERIAL",
            converter = Converters.Serial.class,
            description = "The appliance's serial.")
    String serial;

    @Parameters(
            index = "1",
            paramLabel = "[LOCALPORT:]REMOTEPORT",
            converter = Converters.Ports.class,
            description = "E.g. 2222:22, or 22 for any free local port.")
    PortSpec ports;

    @Mixin
    TokenOption token;

    ForwardCommand(Console console) {
        this.console = console;
    }

    @Override
    public Integer call() throws Exception {
        LoggedIn.require(console);
        Optional<SessionStreams.ViaAgent> viaAgent = SessionStreams.viaAgent(console, token, serial);
        if (viaAgent.isPresent()) {
            SessionStreams.ViaAgent agent = viaAgent.get();
            agent.ensureHeld();
            try (AgentForward forward =
                    AgentForward.start(ports.localPort(), agent, ports.remotePort(), this::problem)) {
                console.out()
                        .println("forwarding 127.0.0.1:" + forward.port() + " -> " + serial + ":" + ports.remotePort());
                console.out().flush();
                forward.awaitClose(); // until the process is stopped
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 0;
        }
        // the token's key derivation runs while the connection to the server is made
        TokenOption.Loading loading = token.startLoading(console, serial);
        LoggedIn loggedIn = LoggedIn.open(console, loading);
        SignedAccessToken accessToken;
        try {
            accessToken = loading.token();
        } catch (RuntimeException e) {
            loggedIn.close();
            throw e;
        }
        try (LastingConnection connection = loggedIn.lasting(console.timeouts(), this::notice);
                LocalForward forward = LocalForward.start(
                        connection,
                        ports.localPort(),
                        SessionRequests.connect(ports.remotePort(), loggedIn.credentials(accessToken, serial)),
                        console.timeouts().stream(),
                        this::problem)) {
            console.out()
                    .println("forwarding 127.0.0.1:" + forward.port() + " -> " + serial + ":" + ports.remotePort());
            console.out().flush();
            forward.closeFuture().await(); // until the process is stopped
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** The connection to the server dropped, or is being made again (one line). */
    private void notice(String notice) {
        console.err().println(Cli.NAME + ": " + notice);
        console.err().flush();
    }

    private void problem(String problem) {
        console.err().println(Cli.NAME + ": " + serial + ":" + ports.remotePort() + ": " + problem);
        console.err().flush();
    }
}
