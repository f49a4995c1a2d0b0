package dev.secureconnect.export.file;

import dev.secureconnect.crypto.text.OneLine;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/** The operating system's reason for a failed file operation, in one line, naming the file when it is not the obvious one. */
final class IoReason {

    private IoReason() {}

    static String of(IOException e, Path subject) {
        if (e instanceof FileSystemException fs) {
            String reason = fs.getReason() != null
                    ? fs.getReason()
                    : e instanceof NoSuchFileException
                            ? "No such file or directory"
                            : e instanceof AccessDeniedException
                                    ? "Permission denied"
                                    : e instanceof NotDirectoryException
                                            ? "Not a directory"
                                            : e.getClass().getSimpleName();
            String file = fs.getFile();
            return OneLine.folded(file == null || Path.of(file).equals(subject) ? reason : reason + " (" + file + ")");
        }
        return OneLine.reason(e);
    }
}
