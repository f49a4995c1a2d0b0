package dev.secureconnect.appliance.console;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.SCrypt;
import org.jspecify.annotations.Nullable;

/**
 * The console's local admin accounts, {@code DIR/console/users.json} (mode 0600): a name and an scrypt hash of the
 * password ({@code scrypt$N$r$p$salt$hash}, N = 2^15, r = 8, p = 1). Checking a password takes about 0.1 s and 32 MiB:
 * never on an event loop.
 */
public final class ConsoleUsers {

    static final String FILE = "console/users.json";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,32}");
    static final int MIN_PASSWORD = 12;
    static final int MAX_PASSWORD = 1024;
    private static final int COST = 1 << 15;
    private static final int BLOCK = 8;
    private static final int PARALLEL = 1;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Checked against when the name is unknown, so an unknown name takes as long as a wrong password. */
    private static final String DECOY = hash("not a password of anyone".toCharArray());

    /** One account. {@code toString} leaves the hash out. */
    @JsonPropertyOrder({"name", "hash"})
    record User(String name, String hash) {
        User {
            requireNonNull(name, "name");
            requireNonNull(hash, "hash");
        }

        @Override
        public String toString() {
            return "User[name=" + name + "]";
        }
    }

    /** The file. */
    record UsersFile(List<User> users) {
        static final UsersFile EMPTY = new UsersFile(List.of());

        UsersFile {
            users = users == null ? List.of() : List.copyOf(users);
        }
    }

    private final ApplianceDirectory directory;

    public ConsoleUsers(ApplianceDirectory directory) {
        this.directory = requireNonNull(directory, "directory");
    }

    private Path file() {
        return directory.resolve(FILE);
    }

    /**
     * Adds {@code name} with {@code password}, or sets a new password for an existing name.
     *
     * @return true when the name is new
     */
    public boolean add(String name, char[] password) {
        requireName(name);
        if (password.length < MIN_PASSWORD || password.length > MAX_PASSWORD) {
            throw new ApplianceException("the password has " + password.length + " characters (expected: "
                    + MIN_PASSWORD + " to " + MAX_PASSWORD + ")");
        }
        String hash = hash(password);
        boolean[] added = new boolean[1];
        try {
            java.nio.file.Files.createDirectories(file().getParent());
        } catch (java.io.IOException e) {
            throw new ApplianceException("cannot create " + file().getParent() + ": " + e.getMessage(), e);
        }
        directory.updateDocument(file(), UsersFile.class, UsersFile.EMPTY, users -> {
            List<User> changed = new ArrayList<>();
            added[0] = true;
            for (User user : users.users()) {
                if (user.name().equals(name)) {
                    added[0] = false;
                } else {
                    changed.add(user);
                }
            }
            changed.add(new User(name, hash));
            return new UsersFile(changed);
        });
        return added[0];
    }

    /** The names of the accounts. */
    public List<String> names() {
        return read().users().stream().map(User::name).toList();
    }

    /** Whether {@code password} is {@code name}'s; as slow for an unknown name as for a known one. */
    boolean check(String name, char[] password) {
        User user = read().users().stream()
                .filter(u -> u.name().equals(name))
                .findFirst()
                .orElse(null);
        boolean matches = matches(user == null ? DECOY : user.hash(), password);
        return user != null && matches;
    }

    private UsersFile read() {
        return directory.readDocument(file(), UsersFile.class, UsersFile.EMPTY);
    }

    static void requireName(@Nullable String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new ApplianceException("console user name: " + dev.secureconnect.crypto.text.OneLine.quoted(name)
                    + " (expected: 1 to 32 of A-Z a-z 0-9 . _ -)");
        }
    }

    static String hash(char[] password) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        byte[] derived = derive(password, salt, COST, BLOCK, PARALLEL);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return "scrypt$" + COST + "$" + BLOCK + "$" + PARALLEL + "$" + b64.encodeToString(salt) + "$"
                + b64.encodeToString(derived);
    }

    static boolean matches(String stored, char[] password) {
        String[] parts = stored.split("\\$", -1);
        if (parts.length != 6 || !parts[0].equals("scrypt")) {
            return false;
        }
        try {
            int cost = Integer.parseInt(parts[1]);
            int block = Integer.parseInt(parts[2]);
            int parallel = Integer.parseInt(parts[3]);
            if (cost > (1 << 20) || block > 32 || parallel > 4) {
                return false;
            }
            byte[] salt = Base64.getDecoder().decode(parts[4]);
            byte[] expected = Base64.getDecoder().decode(parts[5]);
            return MessageDigest.isEqual(expected, derive(password, salt, cost, block, parallel));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static byte[] derive(char[] password, byte[] salt, int cost, int block, int parallel) {
        java.nio.ByteBuffer encoded = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(password));
        byte[] bytes = encoded.array();
        byte[] exact = Arrays.copyOf(bytes, encoded.limit());
        try {
            return SCrypt.generate(exact, salt, cost, block, parallel, HASH_BYTES);
        } finally {
            Arrays.fill(bytes, (byte) 0);
            Arrays.fill(exact, (byte) 0);
        }
    }
}
