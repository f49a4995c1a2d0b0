package dev.secureconnect.engineer.cli;

import dev.secureconnect.crypto.files.DurableFiles;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.engineer.EngineerException;
import dev.secureconnect.engineer.agent.StreamRequest;
import dev.secureconnect.tunnel.link.LinkProtocol;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code get SERIAL REMOTE LOCAL}: copies a file from the appliance. It is written to a temporary file beside LOCAL
 * while hashed, checked against the size and SHA-256 the appliance announced, and only then renamed to LOCAL; on any
 * failure nothing is left behind.
 */
@Command(
        name = "get",
        description =
                "Copies file REMOTE (an absolute path under a folder the appliance's admin"
                        + " allowed) from the appliance to LOCAL (a file, or a folder to put it in), checking its size and SHA-256.")
final class GetCommand implements Callable<Integer> {

    private final Console console;

    @Parameters(
            index = "0",
            paramLabel = "SERIAL",
            converter = Converters.Serial.class,
            description = "The appliance's serial.")
    String serial;

    @Parameters(
            index = "1",
            paramLabel = "REMOTE",
            converter = Converters.RemotePath.class,
            description = "The absolute path of the file on the appliance.")
    String remote;

    @Parameters(index = "2", paramLabel = "LOCAL", description = "Where to write it here.")
    Path local;

    @Mixin
    TokenOption token;

    GetCommand(Console console) {
        this.console = console;
    }

    @Override
    public Integer call() throws Exception {
        Path target = target();
        LoggedIn.require(console);
        SessionStreams.Opening opening = SessionStreams.prepare(console, token, serial, false);
        Path temporary = null;
        try (SessionStream stream = opening.open(StreamRequest.get(remote))) {
            String announcedHash =
                    stream.header(LinkProtocol.HEADER_FILE_SHA256).orElse(null);
            long announcedSize =
                    size(stream.header(LinkProtocol.HEADER_FILE_SIZE).orElse(null));
            if (announcedHash == null || announcedSize < 0) {
                throw new EngineerException(
                        "the answer for " + remote + " lacks a valid " + LinkProtocol.HEADER_FILE_SIZE + " or "
                                + LinkProtocol.HEADER_FILE_SHA256 + ": nothing was written");
            }
            temporary = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".part");
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            AtomicLong received = new AtomicLong();
            ProgressLine progress =
                    ProgressLine.start(console, target.getFileName().toString(), announcedSize);
            try (FileChannel file = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                var ended = stream.receive(buffer -> {
                    int length = buffer.remaining();
                    if (received.addAndGet(length) > announcedSize) {
                        throw new IOException(
                                "the appliance sent more than the " + announcedSize + " bytes it announced");
                    }
                    sha256.update(buffer.duplicate());
                    while (buffer.hasRemaining()) {
                        file.write(buffer);
                    }
                    progress.add(length);
                });
                stream.end();
                SessionStreams.awaitEnd(ended);
                file.force(true);
            } finally {
                progress.finish();
            }
            String hash = HexFormat.of().formatHex(sha256.digest());
            if (received.get() != announcedSize
                    || !hash.equals(announcedHash.strip().toLowerCase(Locale.ROOT))) {
                throw new EngineerException(remote + " arrived damaged (" + received.get() + " bytes, sha256 " + hash
                        + "; the appliance announced " + announcedSize + " bytes, sha256 "
                        + OneLine.of(announcedHash) + "): nothing was written to " + target);
            }
            DurableFiles.move(temporary, target);
            temporary = null;
            console.out().println("got " + remote + " (" + received.get() + " bytes, sha256 " + hash + ")");
            return 0;
        } finally {
            if (temporary != null) {
                Files.deleteIfExists(temporary);
            }
        }
    }

    /** LOCAL, or LOCAL/NAME when LOCAL is a folder; its folder must exist. */
    private Path target() {
        Path target = local.toAbsolutePath().normalize();
        if (Files.isDirectory(target)) {
            String name = Path.of(remote).getFileName() == null
                    ? ""
                    : Path.of(remote).getFileName().toString();
            if (name.isEmpty()) {
                throw new EngineerException("remote path " + remote + " names no file");
            }
            target = target.resolve(name);
        }
        if (target.getParent() == null || !Files.isDirectory(target.getParent())) {
            throw new EngineerException("folder " + target.getParent() + " does not exist");
        }
        return target;
    }

    private static long size(@Nullable String text) {
        try {
            return text == null ? -1 : Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
