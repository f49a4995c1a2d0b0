package dev.secureconnect.engineer.cli;

import dev.secureconnect.crypto.token.SignedAccessToken;
import dev.secureconnect.engineer.client.ServerConnection;
import dev.secureconnect.engineer.client.SessionRequests;
import dev.secureconnect.engineer.client.StreamPump;
import dev.secureconnect.engineer.client.StreamSink;
import dev.secureconnect.tunnel.link.StreamOpener;
import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code proxy SERIAL PORT}: one CONNECT stream relayed with standard input and output, for ssh's
 * {@code ProxyCommand}. Standard output carries the service's bytes and nothing else.
 */
@Command(
        name = "proxy",
        description = "Relays standard input and output to port PORT on the appliance, for"
                + " ssh -o ProxyCommand=\"sc-engineer proxy --token-passphrase-file F %%h 22\" user@SERIAL.")
final class ProxyCommand implements Callable<Integer> {

    private final Console console;

    @Parameters(
            index = "0",
            paramLabel = "SERIAL",
            converter = Converters.Serial.class,
            description = "The appliance's serial (ssh's %%h).")
    String serial;

    @Parameters(
            index = "1",
            paramLabel = "PORT",
            converter = Converters.RemotePort.class,
            description = "The service's port on the appliance's loopback, e.g. 22.")
    int port;

    @Mixin
    TokenOption token;

    ProxyCommand(Console console) {
        this.console = console;
    }

    @Override
    public Integer call() {
        LoggedIn.require(console);
        // the token's key derivation runs while the connection to the server is made
        TokenOption.Loading loading = token.startLoading(console, serial);
        try (LoggedIn loggedIn = LoggedIn.open(console, loading)) {
            SignedAccessToken accessToken = loading.token();
            StreamOpener.Opened opened = SessionStreams.open(
                    loggedIn, SessionRequests.connect(port, loggedIn.credentials(accessToken, serial)));
            PrintStream stdout = console.stdout();
            StreamPump pump = StreamPump.on(opened.stream());
            var ended = StreamSink.attach(opened.stream(), bytes -> {
                bytes.getBytes(bytes.readerIndex(), stdout, bytes.readableBytes());
                stdout.flush();
                if (stdout.checkError()) {
                    throw new IOException("standard output is closed");
                }
            });
            Thread input = new Thread(
                    () -> {
                        try {
                            pump.pump(console.in(), null);
                        } catch (IOException | RuntimeException e) {
                            // the stream ended or standard input failed: the stream's end decides the outcome
                            opened.stream().close();
                        }
                    },
                    "sc-engineer-stdin");
            input.setDaemon(true);
            input.start();
            ServerConnection.awaitEnd(ended);
            return 0;
        }
    }
}
