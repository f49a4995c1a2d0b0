package dev.secureconnect.crypto.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.crypto.files.DurableFiles.Access;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableFilesTest {

    @TempDir
    Path work;

    @Test
    void writeReplacesTheFileAndLeavesNoTemporaryFile() throws IOException {
        Path file = work.resolve("state.json");
        DurableFiles.write(file, "old".getBytes(StandardCharsets.UTF_8), Access.READABLE);
        DurableFiles.write(file, "new".getBytes(StandardCharsets.UTF_8), Access.READABLE);
        assertThat(file).hasContent("new");
        try (Stream<Path> files = Files.list(work)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void ownerOnlyFilesAndTheirNewFoldersAreClosedToOthers() throws IOException {
        Path file = work.resolve("new/folder/key.pem");
        DurableFiles.write(file, new byte[] {1, 2, 3}, Access.OWNER_ONLY);
        assertThat(Files.readAllBytes(file)).containsExactly(1, 2, 3);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
                .isEqualTo("rwx------");
    }

    @Test
    void readableFilesMayBeReadByOthers() throws IOException {
        Path file = work.resolve("cert.pem");
        DurableFiles.write(file, new byte[0], Access.READABLE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-r--r--");
    }

    @Test
    void aFailedWriteKeepsTheOldFileAndRemovesTheTemporaryOne() throws IOException {
        Path folder = Files.createDirectory(work.resolve("target-is-a-folder"));
        Files.writeString(folder.resolve("inside"), "x");
        assertThatThrownBy(() -> DurableFiles.write(folder, new byte[] {1}, Access.READABLE))
                .isInstanceOf(IOException.class);
        assertThat(folder.resolve("inside")).hasContent("x");
        try (Stream<Path> files = Files.list(work)) {
            assertThat(files).containsExactly(folder);
        }
    }

    @Test
    void aParentThatIsAFileIsRefused() throws IOException {
        Path notAFolder = Files.writeString(work.resolve("plain"), "x");
        assertThatThrownBy(() -> DurableFiles.write(notAFolder.resolve("file"), new byte[] {1}, Access.OWNER_ONLY))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("is not a directory");
    }

    @Test
    void moveRenamesOverTheTarget() throws IOException {
        Path source = Files.writeString(work.resolve(".part"), "content");
        Path target = Files.writeString(work.resolve("file"), "old");
        DurableFiles.move(source, target);
        assertThat(target).hasContent("content");
        assertThat(source).doesNotExist();
    }
}
