package dev.secureconnect.appliance.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.secureconnect.crypto.json.Mappers;
import dev.secureconnect.crypto.text.OneLine;
import java.util.stream.Collectors;

/**
 * The appliance's JSON: strict (unknown keys, wrong types, trailing data and numbers given as strings are errors),
 * durations as {@code 20s}; and one-line messages for what is wrong with a document.
 */
public final class Json {

    /** For files people read: indented. */
    public static final ObjectMapper PRETTY = Mappers.indentedStrictJson(Durations.jacksonModule());
    /** For one-line messages: audit lines, the admin socket. */
    public static final ObjectMapper COMPACT = Mappers.strictJson(Durations.jacksonModule());

    private Json() {}

    /** Encodes on one line. */
    public static String line(Object value) {
        try {
            return COMPACT.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    /**
     * What is wrong with a JSON document, on one line, naming the key: {@code unknown key 'foo' in backoff (expected
     * one of: max, min)}, {@code keepAlive.interval: '2x' is not a duration …}.
     */
    public static String problem(JsonProcessingException e) {
        String where = e instanceof JsonMappingException mapping ? path(mapping) : "";
        if (e instanceof UnrecognizedPropertyException unknown) {
            String known = unknown.getKnownPropertyIds() == null
                    ? ""
                    : unknown.getKnownPropertyIds().stream()
                            .map(String::valueOf)
                            .sorted()
                            .collect(Collectors.joining(", "));
            String parent = where.contains(".") ? where.substring(0, where.lastIndexOf('.')) : "";
            return "unknown key '" + OneLine.quoted(unknown.getPropertyName()) + "'"
                    + (parent.isEmpty() ? "" : " in " + parent)
                    + (known.isEmpty() ? "" : " (expected one of: " + known + ")");
        }
        if (e instanceof ValueInstantiationException instantiation && instantiation.getCause() != null) {
            String message = OneLine.of(instantiation.getCause().getMessage());
            return !where.isEmpty() && message.startsWith(where) ? message : prefix(where) + message;
        }
        if (e instanceof InvalidFormatException format) {
            String original = OneLine.of(format.getOriginalMessage());
            return prefix(where)
                    + (original.startsWith("'")
                            ? original
                            : "'" + OneLine.of(String.valueOf(format.getValue())) + "' is not valid"
                                    + (format.getTargetType() == null
                                            ? ""
                                            : " (expected " + describe(format.getTargetType()) + ")"));
        }
        if (e instanceof MismatchedInputException mismatch
                && String.valueOf(mismatch.getOriginalMessage()).startsWith("Trailing token")) {
            return "not valid JSON: there is more after the end of the document";
        }
        if (e instanceof MismatchedInputException mismatch) {
            String type = mismatch.getTargetType() == null ? "value" : describe(mismatch.getTargetType());
            return prefix(where) + "wrong type (expected " + type + "): " + OneLine.of(mismatch.getOriginalMessage());
        }
        return prefix(where) + "not valid JSON: " + OneLine.of(e.getOriginalMessage());
    }

    private static String prefix(String where) {
        return where.isEmpty() ? "" : where + ": ";
    }

    private static String describe(Class<?> type) {
        if (type == Integer.class
                || type == int.class
                || type == Long.class
                || type == long.class
                || type == Double.class
                || type == double.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (java.util.Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (type == java.time.Duration.class) {
            return "a duration such as \"20s\"";
        }
        return "an object";
    }

    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                if (path.length() > 0) {
                    path.append('.');
                }
                path.append(OneLine.quoted(reference.getFieldName()));
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
