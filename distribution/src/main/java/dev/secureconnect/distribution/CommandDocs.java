package dev.secureconnect.distribution;

import dev.secureconnect.cli.InstanceDirectory;
import java.io.IOException;
import java.io.Writer;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Build time only ({@code mvn package} of this module): writes each sc-* tool's bash completion script (picocli
 * {@code AutoComplete}) and its man pages as AsciiDoc (picocli {@code ManPageGenerator}, one page per command), which
 * the asciidoctor plugin then turns into troff. The commands are made only to read their annotations: none runs.
 */
public final class CommandDocs {

    /** The tools whose --dir defaults to a directory under /var/lib/secureconnect, and its name there. */
    private static final Map<String, String> DEFAULT_DIRECTORIES =
            Map.of("sc-server", "server", "sc-appliance", "appliance");

    private CommandDocs() {}

    /** The four command lines, by the name a user types. */
    static Map<String, Class<?>> tools() {
        Map<String, Class<?>> tools = new LinkedHashMap<>();
        tools.put("sc-pki", dev.secureconnect.pki.ScPki.class);
        tools.put("sc-server", dev.secureconnect.server.cli.ScServer.class);
        tools.put("sc-appliance", dev.secureconnect.appliance.cli.Cli.class);
        tools.put("sc-engineer", dev.secureconnect.engineer.cli.Cli.class);
        return tools;
    }

    /** {@code args[0]}: the folder for {@code completion/} and {@code man-adoc/}. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: CommandDocs OUTPUT_DIR");
        }
        Path out = Path.of(args[0]);
        Path completion = Files.createDirectories(out.resolve("completion"));
        Path manAdoc = Files.createDirectories(out.resolve("man-adoc"));
        for (Map.Entry<String, Class<?>> tool : tools().entrySet()) {
            CommandLine cli = new CommandLine(tool.getValue(), new Introspection());
            String role = DEFAULT_DIRECTORIES.get(tool.getKey());
            if (role != null) { // as the tool itself does (--dir optional), whatever SC_DIR the build has
                cli.setDefaultValueProvider(InstanceDirectory.of(role, Map.of()));
            }
            try (Writer script = Files.newBufferedWriter(completion.resolve(tool.getKey()), StandardCharsets.UTF_8)) {
                script.write(AutoComplete.bash(tool.getKey(), cli));
            }
            int status = ManPageGenerator.generateManPage(
                    manAdoc.toFile(), null, new boolean[0], true, cli.getCommandSpec());
            if (status != 0) {
                throw new IOException(
                        "the man pages of " + tool.getKey() + " were not written (status " + status + ")");
            }
        }
    }

    /**
     * Makes a command whose constructor takes its run's context (a console, a terminal) with none: the documentation
     * reads the command's annotations only.
     */
    private static final class Introspection implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            for (Constructor<?> constructor : type.getDeclaredConstructors()) {
                if (constructor.getParameterCount() == 1 && !constructor.getParameterTypes()[0].isPrimitive()) {
                    constructor.setAccessible(true);
                    return type.cast(constructor.newInstance(new Object[] {null}));
                }
            }
            return CommandLine.defaultFactory().create(type);
        }
    }
}
