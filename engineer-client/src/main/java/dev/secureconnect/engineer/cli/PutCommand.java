package dev.secureconnect.engineer.cli;

import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.engineer.EngineerException;
import dev.secureconnect.engineer.agent.StreamRequest;
import dev.secureconnect.tunnel.link.LinkProtocol;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code put SERIAL LOCAL REMOTE}: copies a file to the appliance, with back-pressure, and checks the size and SHA-256
 * the appliance reports it stored against what was sent.
 */
@Command(
        name = "put",
        description = "Copies file LOCAL to REMOTE on the appliance (an absolute path under a folder"
                + " its admin allowed for writing), checking the stored size and SHA-256.")
final class PutCommand implements Callable<Integer> {

    private final Console console;

    @Parameters(
            index = "0",
            paramLabel = "SERIAL",
            converter = Converters.Serial.class,
            description = "The appliance's serial.")
    String serial;

    @Parameters(index = "1", paramLabel = "LOCAL", description = "The file to send.")
    Path local;

    @Parameters(
            index = "2",
            paramLabel = "REMOTE",
            converter = Converters.RemotePath.class,
            description = "The absolute path to store it at on the appliance.")
    String remote;

    @Mixin
    TokenOption token;

    PutCommand(Console console) {
        this.console = console;
    }

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(local)) {
            throw new EngineerException("file " + local + " does not exist or is not a regular file");
        }
        LoggedIn.require(console);
        SessionStreams.Opening opening = SessionStreams.prepare(console, token, serial, false);
        try (SessionStream stream = opening.open(StreamRequest.put(remote))) {
            var ended = stream.receive(bytes -> {}); // the answer's body, if any, is not used
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            long sent = -1;
            EngineerException sendFailure = null;
            ProgressLine progress =
                    ProgressLine.start(console, local.getFileName().toString(), Files.size(local));
            try (InputStream in = progress.counting(Files.newInputStream(local))) {
                sent = stream.send(in, sha256);
            } catch (EngineerException e) {
                sendFailure = e;
            } finally {
                progress.finish();
            }
            Map<String, String> trailers;
            try {
                trailers = SessionStreams.await(
                        ended,
                        stream.answerTimeout(),
                        "the appliance did not confirm " + remote + " within "
                                + stream.answerTimeout().toSeconds() + " s");
            } catch (EngineerException e) {
                throw sendFailure != null ? sendFailure : e;
            }
            String reason = SessionStreams.reason(trailers);
            if (reason != null) {
                throw new EngineerException(remote + " was not stored: " + reason);
            }
            if (sendFailure != null) {
                throw sendFailure;
            }
            String hash = HexFormat.of().formatHex(sha256.digest());
            String storedHash = SessionStreams.header(trailers, LinkProtocol.HEADER_FILE_SHA256);
            String storedSize = SessionStreams.header(trailers, LinkProtocol.HEADER_FILE_SIZE);
            if (storedHash == null || storedSize == null) {
                throw new EngineerException("the appliance did not confirm what it stored at " + remote);
            }
            if (!storedHash.strip().toLowerCase(Locale.ROOT).equals(hash)
                    || !storedSize.strip().equals(Long.toString(sent))) {
                throw new EngineerException(
                        remote + " was stored damaged (" + OneLine.of(storedSize) + " bytes, sha256 "
                                + OneLine.of(storedHash) + "; sent " + sent + " bytes, sha256 " + hash + ")");
            }
            console.out().println("put " + local + " to " + remote + " (" + sent + " bytes, sha256 " + hash + ")");
            return 0;
        }
    }
}
