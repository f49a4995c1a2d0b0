package dev.secureconnect.engineer.cli;

import dev.secureconnect.engineer.EngineerException;
import dev.secureconnect.engineer.agent.StreamRequest;
import java.io.IOException;
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
        // direct: the token's key derivation runs while the connection to the server is made
        SessionStreams.Opening opening = SessionStreams.prepare(console, token, serial, true);
        try (SessionStream stream = opening.open(StreamRequest.connect(port))) {
            relay(stream, console);
            return 0;
        }
    }

    /**
     * Relays standard input to {@code stream} and the stream's bytes to standard output until the stream ends;
     * {@link EngineerException} when it failed. Standard input ending ends only this side.
     */
    static void relay(SessionStream stream, Console console) {
        var ended = stream.receive(SessionStreams.toStdout(console.stdout()));
        Thread input = new Thread(
                () -> {
                    try {
                        stream.send(console.in(), null);
                    } catch (IOException | RuntimeException e) {
                        // the stream ended or standard input failed: the stream's end decides the outcome
                        stream.abort();
                    }
                },
                "sc-engineer-stdin");
        input.setDaemon(true);
        input.start();
        SessionStreams.awaitEnd(ended);
    }
}
