package dev.secureconnect.appliance.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.appliance.testing.ApplianceUnderTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleUsersTest {

    @TempDir
    Path work;

    @Test
    void passwordsAreStoredAsScryptHashesInAnOwnerOnlyFile() throws Exception {
        ApplianceDirectory directory = ApplianceDirectory.open(ApplianceUnderTest.init(work, "127.0.0.1:1").dir);
        ConsoleUsers users = new ConsoleUsers(directory);
        assertThat(users.add("admin", "first password!".toCharArray())).isTrue();
        assertThat(users.check("admin", "first password!".toCharArray())).isTrue();
        assertThat(users.check("admin", "first password?".toCharArray())).isFalse();
        assertThat(users.check("nobody", "first password!".toCharArray())).isFalse();
        assertThat(users.add("admin", "second password!".toCharArray())).isFalse();
        assertThat(users.check("admin", "first password!".toCharArray())).isFalse();
        assertThat(users.check("admin", "second password!".toCharArray())).isTrue();
        assertThat(users.names()).containsExactly("admin");

        Path file = directory.resolve(ConsoleUsers.FILE);
        String stored = Files.readString(file);
        assertThat(stored).contains("scrypt$32768$8$1$").doesNotContain("second password");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
    }

    @Test
    void badNamesAndShortPasswordsAreRefused() throws Exception {
        ConsoleUsers users =
                new ConsoleUsers(ApplianceDirectory.open(ApplianceUnderTest.init(work, "127.0.0.1:1").dir));
        assertThatThrownBy(() -> users.add("<script>", "long enough password".toCharArray()))
                .isInstanceOf(ApplianceException.class)
                .hasMessageContaining("console user name");
        assertThatThrownBy(() -> users.add("admin", "short".toCharArray()))
                .isInstanceOf(ApplianceException.class)
                .hasMessageContaining("expected: 12 to 1024");
        assertThat(ConsoleUsers.matches("not$a$hash", "x".toCharArray())).isFalse();
        assertThat(ConsoleUsers.matches("scrypt$1073741824$8$1$AAAA$AAAA", "x".toCharArray()))
                .isFalse();
    }
}
