package dev.secureconnect.crypto.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one place SecureConnect makes its Jackson mappers. Every mapper rejects an unknown key unless its name says
 * lenient; {@link #json}, {@link #indentedJson} and {@link #yaml} given modules (java.time's) write dates and durations
 * as ISO-8601 text. Each call returns a new
 * mapper: callers keep theirs in a constant and never reconfigure a shared one.
 */
public final class Mappers {

    private Mappers() {}

    /** Jackson's defaults: compact output, an unknown key is an error. */
    public static ObjectMapper json(Module... modules) {
        return builder(modules).build();
    }

    /** {@link #json} with indented output: files people read. */
    public static ObjectMapper indentedJson(Module... modules) {
        return builder(modules).enable(SerializationFeature.INDENT_OUTPUT).build();
    }

    /** {@link #json} writing the keys of maps sorted: text that is hashed or compared. */
    public static ObjectMapper sortedJson() {
        return builder().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();
    }

    /** Unknown keys ignored: answers of a newer peer, which may add keys. */
    public static ObjectMapper lenientJson() {
        return builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
    }

    /** {@link #lenientJson} with indented output. */
    public static ObjectMapper indentedLenientJson() {
        return builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(SerializationFeature.INDENT_OUTPUT)
                .build();
    }

    /**
     * Documents people write, read strictly: unknown keys, nulls for numbers, trailing data, numbers for enums,
     * scalars of the wrong type and duplicate keys are errors. The modules' serialisers are used as they are.
     */
    public static ObjectMapper strictJson(Module... modules) {
        return strict(modules).build();
    }

    /** {@link #strictJson} with indented output. */
    public static ObjectMapper indentedStrictJson(Module... modules) {
        return strict(modules).enable(SerializationFeature.INDENT_OUTPUT).build();
    }

    /**
     * A configuration file in YAML, read strictly: unknown keys, nulls for numbers and fractions for integers are
     * errors. The caller gives the YAML factory (its format options) and the modules, so that only the server, which
     * reads YAML, carries the YAML and java.time libraries.
     */
    public static ObjectMapper yaml(JsonFactory yamlFactory, Module... modules) {
        ObjectMapper mapper = new ObjectMapper(yamlFactory);
        mapper.registerModules(modules);
        return mapper.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    }

    private static JsonMapper.Builder strict(Module... modules) {
        return JsonMapper.builder()
                .addModules(modules)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
    }

    private static JsonMapper.Builder builder(Module... modules) {
        JsonMapper.Builder builder = JsonMapper.builder().addModules(modules);
        if (modules.length > 0) {
            builder.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                    .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS);
        }
        return builder;
    }
}
