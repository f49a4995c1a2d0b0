package dev.secureconnect.server.cases;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.secureconnect.crypto.json.Mappers;
import dev.secureconnect.crypto.text.OneLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Reads {@code SERVER_DIR/rules.yaml}, the alert rules, strictly: an unknown field, a bad regular expression, a
 * threshold out of range or a duplicate name is a {@link RulesException} naming the line. A missing file is no rules.
 */
public final class RulesFile {

    public static final String NAME = "rules.yaml";

    private static final ObjectMapper YAML = Mappers.yaml(new YAMLFactory(), new JavaTimeModule());

    private RulesFile() {}

    /** The document: a list of rules under {@code rules}. */
    record Document(List<AlertRule> rules) {
        @JsonCreator
        Document(@JsonProperty("rules") @Nullable List<AlertRule> rules) {
            this.rules = rules == null ? List.of() : List.copyOf(rules);
        }
    }

    /** The rules of {@code DIR/rules.yaml}; none when it does not exist. */
    public static List<AlertRule> read(Path dir) {
        Path file = dir.resolve(NAME);
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new RulesException(file + " cannot be read: " + OneLine.of(e.getMessage()), e);
        }
        return parse(file.toString(), text);
    }

    /** The rules in {@code text}; {@code name} is how errors name the file. */
    public static List<AlertRule> parse(String name, String text) {
        if (text.lines().allMatch(line -> line.isBlank() || line.strip().startsWith("#"))) {
            return List.of(); // empty, or only comments
        }
        Document document;
        try {
            document = YAML.readValue(text, Document.class);
        } catch (UnrecognizedPropertyException e) {
            throw new RulesException(
                    at(name, text, e, e.getPropertyName()) + "unknown field '" + OneLine.quoted(e.getPropertyName())
                            + "' (known here: "
                            + e.getKnownPropertyIds().stream()
                                    .map(Object::toString)
                                    .sorted()
                                    .collect(Collectors.joining(", "))
                            + ")",
                    e);
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof StreamReadException syntax) {
                throw new RulesException(
                        at(name, text, syntax, null) + "not valid YAML: "
                                + OneLine.of(OneLine.firstLine(syntax.getOriginalMessage())),
                        e);
            }
            Throwable cause = e.getCause() instanceof IllegalArgumentException ? e.getCause() : e;
            String message = cause == e ? e.getOriginalMessage() : cause.getMessage();
            throw new RulesException(at(name, text, e, firstWord(message)) + OneLine.of(OneLine.firstLine(message)), e);
        } catch (JsonProcessingException e) {
            throw new RulesException(
                    at(name, text, e, null) + "not valid YAML: "
                            + OneLine.of(OneLine.firstLine(e.getOriginalMessage())),
                    e);
        }
        if (document == null) {
            return List.of(); // only comments
        }
        Set<String> names = new HashSet<>();
        for (AlertRule rule : document.rules()) {
            if (!names.add(rule.name())) {
                throw new RulesException(name + ": two rules are named '" + rule.name() + "': names must be unique");
            }
        }
        return document.rules();
    }

    /**
     * {@code FILE line N (rules[2].when): }. Jackson reports a rule's mistake where the rule ends; when the mistake is
     * about a {@code key} (an unknown field, or the field a check names first), the line is that of the nearest
     * {@code key:} at or before it.
     */
    private static String at(String name, String text, JsonProcessingException e, @Nullable String key) {
        JsonLocation location =
                e.getProcessor() instanceof JsonParser parser ? parser.currentTokenLocation() : e.getLocation();
        String path = e instanceof JsonMappingException mapping
                ? mapping.getPath().stream()
                        .map(ref -> ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]")
                        .collect(Collectors.joining())
                : "";
        if (path.startsWith(".")) {
            path = path.substring(1);
        }
        int line = location == null ? 0 : location.getLineNr();
        if (key != null && line > 0) {
            line = lineOf(text, key, line);
        }
        return name + (line <= 0 ? "" : " line " + line) + (path.isEmpty() ? "" : " (" + path + ")") + ": ";
    }

    /** The line of the last {@code key:} at or before {@code line}, or {@code line}. */
    static int lineOf(String text, String key, int line) {
        Pattern field = Pattern.compile("(^|[\\s{,-])" + Pattern.quote(key) + "\\s*:");
        List<String> lines = text.lines().toList();
        for (int i = Math.min(line, lines.size()); i >= 1; i--) {
            String content = lines.get(i - 1);
            int comment = content.indexOf(" #");
            if (field.matcher(comment < 0 ? content : content.substring(0, comment))
                    .find()) {
                return i;
            }
        }
        return line;
    }

    /** The field a check's message starts with: {@code percent} of {@code fileSystemAbove.percent 120 is …}. */
    private static @Nullable String firstWord(@Nullable String message) {
        if (message == null) {
            return null;
        }
        String word = message.split("[\\s:']", 2)[0];
        word = word.substring(word.lastIndexOf('.') + 1);
        return word.matches("[A-Za-z]+") ? word : null;
    }
}
