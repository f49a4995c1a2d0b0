package dev.secureconnect.server.cases;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.secureconnect.crypto.text.OneLine;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** How urgent a case is, lowest first: who is mailed depends on it. */
public enum CaseSeverity {
    LOW,
    NORMAL,
    HIGH,
    CRITICAL;

    /** {@code critical}, {@code high}, {@code normal} or {@code low}. */
    @JsonCreator
    public static CaseSeverity of(@Nullable String text) {
        String name = text == null ? "" : text.strip().toUpperCase(Locale.ROOT);
        for (CaseSeverity severity : values()) {
            if (severity.name().equals(name)) {
                return severity;
            }
        }
        throw new IllegalArgumentException(
                "severity '" + OneLine.quoted(text) + "' is not one of critical, high, normal, low");
    }

    @JsonValue
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean atLeast(CaseSeverity other) {
        return compareTo(other) >= 0;
    }
}
