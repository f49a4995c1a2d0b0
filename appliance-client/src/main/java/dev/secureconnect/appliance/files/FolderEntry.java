package dev.secureconnect.appliance.files;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.crypto.text.OneLine;
import java.nio.file.Path;

/**
 * A folder support may read files under (and write to, with {@code write}).
 *
 * @param path the folder's real path (absolute, symbolic links resolved when it was allowed)
 */
@JsonPropertyOrder({"path", "write"})
public record FolderEntry(String path, Boolean write) {

    public FolderEntry {
        if (path == null
                || !path.startsWith("/")
                || !Path.of(path).normalize().toString().equals(path)) {
            throw new ApplianceException("folder '" + OneLine.of(path) + "' is not an absolute normalised path");
        }
        write = write != null && write;
    }

    Path folder() {
        return Path.of(path);
    }

    /** Whether {@code realPath} (already resolved) is this folder or below it. */
    boolean contains(Path realPath) {
        return realPath.startsWith(folder());
    }

    public String access() {
        return write ? "read-write" : "read-only";
    }
}
