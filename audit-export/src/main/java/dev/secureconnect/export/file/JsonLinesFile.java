package dev.secureconnect.export.file;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.export.DeliveryException;
import dev.secureconnect.export.Destination;
import dev.secureconnect.export.ExportOrigin;
import dev.secureconnect.export.ExportedEvent;
import dev.secureconnect.export.format.JsonEventFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Appends events to a JSON-lines file, one {@link JsonEventFormat} object and a {@code \n} per event, and forces the file
 * to the device before {@link #deliver} returns: a delivered event is on disk, also on an off-site mount.
 *
 * <p>The file is created with its directories, mode {@code 0640} where POSIX permissions exist. When the next line
 * would take the file past {@link JsonLinesSettings#maxBytes()}, the file is rotated ({@code audit.jsonl} becomes
 * {@code audit.jsonl.1}, the older ones shift up to {@link JsonLinesSettings#keep()}, beyond which they are deleted)
 * and writing goes on in a fresh file; a line is never split between two files.
 *
 * <p>A batch that fails is cut back off the file where possible, so that no half line stays behind; events written
 * to a file rotated during that batch stay there and come again in the retry (receivers de-duplicate by
 * {@code seq}).
 */
public final class JsonLinesFile implements Destination {

    private final JsonLinesSettings settings;
    private final ExportOrigin origin;
    private final RotatingFile file;

    public JsonLinesFile(JsonLinesSettings settings, ExportOrigin origin) {
        this.settings = requireNonNull(settings, "settings");
        this.origin = requireNonNull(origin, "origin");
        this.file = new RotatingFile(settings.path(), settings.keep());
    }

    @Override
    public void deliver(List<ExportedEvent> events) throws DeliveryException {
        Destination.requireEvents(events);
        List<byte[]> lines = new ArrayList<>(events.size());
        for (ExportedEvent event : events) {
            lines.add((JsonEventFormat.line(event, origin) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        long batchStart = -1;
        try {
            long size = file.size();
            batchStart = size;
            ByteArrayOutputStream pending = new ByteArrayOutputStream();
            for (byte[] line : lines) {
                long filled = size + pending.size();
                if (filled > 0 && filled + line.length > settings.maxBytes()) {
                    file.append(ByteBuffer.wrap(pending.toByteArray()));
                    file.rotate();
                    pending.reset();
                    size = file.size();
                    batchStart = size;
                }
                pending.write(line, 0, line.length);
            }
            file.append(ByteBuffer.wrap(pending.toByteArray()));
            file.force();
        } catch (IOException e) {
            file.abandon(batchStart);
            throw new DeliveryException("file " + file.path() + ": cannot write: " + IoReason.of(e, file.path()), e);
        }
    }

    /** {@code file /path/audit.jsonl}. */
    @Override
    public String describe() {
        return "file " + file.path();
    }

    @Override
    public void close() {
        file.close();
    }
}
