package dev.secureconnect.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.secureconnect.crypto.text.OneLine;
import java.io.PrintWriter;

/** What {@code --json} prints, alike in every sc-* tool: the value as one indented JSON document and a line break. */
public final class JsonOutput {

    private JsonOutput() {}

    /** Prints {@code value} with {@code mapper}'s serialisers (the tool's own, e.g. durations as {@code 20s}). */
    public static void print(PrintWriter out, ObjectMapper mapper, Object value) {
        try {
            out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot print JSON: " + OneLine.of(e.getOriginalMessage()), e);
        }
    }
}
