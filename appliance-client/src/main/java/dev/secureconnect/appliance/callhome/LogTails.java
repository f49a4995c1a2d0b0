package dev.secureconnect.appliance.callhome;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.secureconnect.crypto.text.OneLine;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The tails of the log files the admin listed ({@code callHome.logs}): at most {@code perFile} bytes of each and
 * {@code perBundle} of all together, cut at a line start, redacted. Only the listed paths are read, and a path that is
 * a symbolic link or runs through one is refused (a link would let whoever can write the log's folder point it at a
 * key file): the entry says why instead.
 */
final class LogTails {

    private LogTails() {}

    /**
     * One file's tail.
     *
     * @param bytes the file's size when read
     * @param truncated whether the tail is less than the whole file
     * @param error why the file was not read, else null
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"path", "bytes", "truncated", "tail", "error"})
    record Tail(
            String path,
            long bytes,
            boolean truncated,
            @Nullable String tail,
            @Nullable String error) {

        static Tail refused(String path, String why) {
            return new Tail(path, 0, false, null, why);
        }
    }

    static List<Tail> read(
            List<String> paths, int perFile, int perBundle, Redaction redaction, Redaction.Counts counts) {
        List<Tail> tails = new ArrayList<>();
        int left = perBundle;
        for (String path : paths) {
            Tail tail = readOne(path, Math.min(perFile, left), redaction, counts);
            if (tail.tail() != null) {
                left -= Math.min(left, tail.tail().getBytes(StandardCharsets.UTF_8).length);
            }
            tails.add(tail);
        }
        return tails;
    }

    private static Tail readOne(String name, int max, Redaction redaction, Redaction.Counts counts) {
        Path path = Path.of(name);
        try {
            BasicFileAttributes attributes =
                    Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (attributes.isSymbolicLink()) {
                return Tail.refused(name, "refused: a symbolic link (list the file it points to instead)");
            }
            if (!attributes.isRegularFile()) {
                return Tail.refused(name, "refused: not a regular file");
            }
            if (!path.toRealPath().equals(path)) {
                return Tail.refused(name, "refused: the path runs through a symbolic link (list the real path)");
            }
            if (max <= 0) {
                return new Tail(name, attributes.size(), true, "", "left out: the bundle's log budget is spent");
            }
            try (SeekableByteChannel channel =
                    Files.newByteChannel(path, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
                long size = channel.size();
                long start = Math.max(0, size - max);
                channel.position(start);
                ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(max, size));
                while (buffer.hasRemaining() && channel.read(buffer) > 0) {
                    // read up to what was there when it started
                }
                buffer.flip();
                String text = StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPLACE)
                        .onUnmappableCharacter(CodingErrorAction.REPLACE)
                        .decode(buffer)
                        .toString();
                if (start > 0) {
                    int line = text.indexOf('\n');
                    text = line < 0 ? "" : text.substring(line + 1); // the first line is cut: left out
                }
                text = printable(text);
                return new Tail(name, size, start > 0, redaction.apply(text, counts), null);
            }
        } catch (IOException | RuntimeException e) {
            return Tail.refused(name, "cannot read: " + OneLine.of(e.getMessage()));
        }
    }

    /** Line breaks and tabs stay; other control characters become U+FFFD. */
    static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (c == '\n' || c == '\t' || !Character.isISOControl(c)) {
                out.appendCodePoint(c);
            } else if (c != '\r') {
                out.append('\uFFFD');
            }
        });
        return out.toString();
    }
}
