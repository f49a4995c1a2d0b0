package dev.secureconnect.server.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.secureconnect.crypto.files.DurableFiles;
import dev.secureconnect.crypto.json.Mappers;
import dev.secureconnect.crypto.text.OneLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Collectors;

/** Reads and writes {@code server.yaml} strictly: an unknown key or a wrong type is an error naming the key. */
public final class ConfigFile {

    public static final String NAME = "server.yaml";

    private static final ObjectMapper YAML = Mappers.yaml(
            new YAMLFactory()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES),
            new JavaTimeModule());

    private ConfigFile() {}

    public static ServerConfig read(Path dir) {
        Path file = dir.resolve(NAME);
        try {
            String text = Files.readString(file);
            if (text.isBlank()) {
                return ServerConfig.defaults();
            }
            ServerConfig config = YAML.readValue(text, ServerConfig.class);
            // a document that is only comments or a YAML null ("~") is empty, like a blank file
            return config == null ? ServerConfig.defaults() : config;
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + " does not exist: create it with 'sc-server init --dir " + dir + " …'", e);
        } catch (UnrecognizedPropertyException e) {
            throw new ConfigException(
                    file + ": unknown key '" + path(e) + "' (known here: "
                            + e.getKnownPropertyIds().stream()
                                    .map(Object::toString)
                                    .sorted()
                                    .collect(Collectors.joining(", "))
                            + ")",
                    e);
        } catch (InvalidFormatException e) {
            throw new ConfigException(
                    file + ": '" + path(e) + "' has the wrong type: '" + OneLine.quoted(String.valueOf(e.getValue()))
                            + "' is not a "
                            + e.getTargetType().getSimpleName() + describeFormat(e.getTargetType()),
                    e);
        } catch (MismatchedInputException e) {
            throw new ConfigException(
                    file + ": '" + path(e) + "' has the wrong type (expected "
                            + (e.getTargetType() == null
                                    ? "another type"
                                    : e.getTargetType().getSimpleName()) + ")",
                    e);
        } catch (JsonMappingException e) {
            Throwable cause = e.getCause() instanceof IllegalArgumentException ? e.getCause() : e;
            throw new ConfigException(file + ": '" + path(e) + "': " + OneLine.firstLine(cause.getMessage()), e);
        } catch (JsonProcessingException e) {
            throw new ConfigException(
                    file + " is not valid YAML at line " + e.getLocation().getLineNr() + ": "
                            + OneLine.firstLine(e.getOriginalMessage()),
                    e);
        } catch (IOException e) {
            throw new ConfigException(file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Replaces {@code DIR/server.yaml} with {@code config}, atomically and durably ({@link DurableFiles}), so a running
     * server watching it reads the old file or the new one, never half of it.
     */
    public static void write(Path dir, ServerConfig config) {
        Path file = dir.resolve(NAME);
        try {
            DurableFiles.write(
                    file,
                    (HEADER + render(config)).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    DurableFiles.Access.READABLE);
        } catch (IOException e) {
            throw new ConfigException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** The comment at the top of a written {@code server.yaml}. */
    public static final String HEADER = "# SecureConnect support server; reference: docs/server.md\n";

    public static String render(ServerConfig config) {
        try {
            return YAML.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new ConfigException("cannot write the configuration: " + e.getMessage(), e);
        }
    }

    private static String path(JsonMappingException e) {
        return OneLine.quoted(e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")));
    }

    private static String describeFormat(Class<?> type) {
        return type == java.time.Duration.class ? " (write durations as ISO-8601, e.g. PT20S)" : "";
    }
}
