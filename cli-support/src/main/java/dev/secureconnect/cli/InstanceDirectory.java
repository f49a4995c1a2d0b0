package dev.secureconnect.cli;

import java.lang.reflect.AnnotatedElement;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The directory a tool works on when its command is given no {@code --dir}: {@code $SC_DIR} when set, else
 * {@code /var/lib/secureconnect/ROLE} (where the Debian packages put it, docs/install.md). It answers for every
 * {@code --dir} option that a command declares required (the instance directory); an optional {@code --dir} keeps its
 * own meaning. One provider per command line, so every command of the tool, added later too, gets the same default.
 */
public final class InstanceDirectory implements CommandLine.IDefaultValueProvider {

    /** The environment variable that names the directory, overriding the default (an explicit --dir wins). */
    public static final String ENVIRONMENT = "SC_DIR";

    /** Where the packages keep every instance directory. */
    public static final Path STATE_ROOT = Path.of("/var/lib/secureconnect");

    private static final String OPTION = "--dir";

    private final Path directory;

    private InstanceDirectory(Path directory) {
        this.directory = directory;
    }

    /** The default for {@code role} ("server", "appliance") in the environment {@code env}. */
    public static InstanceDirectory of(String role, Map<String, String> env) {
        Objects.requireNonNull(role, "role");
        String configured = env.get(ENVIRONMENT);
        return new InstanceDirectory(
                configured != null && !configured.isBlank() ? Path.of(configured) : STATE_ROOT.resolve(role));
    }

    /** Makes {@code --dir} default to this process's directory for {@code role} on every command of {@code cli}. */
    public static void useFor(CommandLine cli, String role) {
        cli.setDefaultValueProvider(of(role, System.getenv()));
    }

    /** The directory a command without {@code --dir} works on. */
    public Path directory() {
        return directory;
    }

    @Override
    public @Nullable String defaultValue(ArgSpec argSpec) {
        if (argSpec instanceof OptionSpec option && option.longestName().equals(OPTION) && declaredRequired(option)) {
            return directory.toString();
        }
        return null;
    }

    /**
     * Whether the command declared the option required ({@code @Option(required = true)} on its field): picocli's own
     * {@code required()} asks this provider, and is false once it answers.
     */
    private static boolean declaredRequired(OptionSpec option) {
        return option.userObject() instanceof AnnotatedElement element
                && element.isAnnotationPresent(CommandLine.Option.class)
                && element.getAnnotation(CommandLine.Option.class).required();
    }
}
