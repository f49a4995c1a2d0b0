package dev.secureconnect.crypto.pki;

import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.text.OneLine;
import java.util.regex.Pattern;
import org.bouncycastle.util.IPAddress;
import org.jspecify.annotations.Nullable;

/** The syntax rules for the names that go into certificates; each check fails with a message naming the field. */
final class IdentityNames {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern EMAIL =
            Pattern.compile("[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+");
    private static final Pattern DNS_LABEL = Pattern.compile("(?!-)[A-Za-z0-9-]{1,63}(?<!-)");

    private IdentityNames() {}

    /** An appliance serial, engineer login or API client name: 1 to 64 of {@code [A-Za-z0-9._-]}. */
    static String requireId(String value, String field) {
        if (value == null || !ID.matcher(value).matches()) {
            throw new CryptoException(field + " '" + OneLine.quoted(value)
                    + "' is not valid: use 1 to 64 characters from A-Z a-z 0-9 . _ -");
        }
        return value;
    }

    static String requireEmail(String value) {
        if (value == null || value.length() > 254 || !EMAIL.matcher(value).matches()) {
            throw new CryptoException(
                    "e-mail address '" + OneLine.quoted(value) + "' is not valid: expected name@domain");
        }
        return value;
    }

    static String requireDnsName(String value) {
        if (value == null || value.isEmpty() || value.length() > 253) {
            throw new CryptoException(
                    "DNS name '" + OneLine.quoted(value) + "' is not valid: expected e.g. support.example.com");
        }
        String name = value.startsWith("*.") ? value.substring(2) : value;
        for (String label : name.split("\\.", -1)) {
            if (!DNS_LABEL.matcher(label).matches()) {
                throw new CryptoException(
                        "DNS name '" + OneLine.quoted(value) + "' is not valid: expected e.g. support.example.com");
            }
        }
        return value;
    }

    static String requireIpAddress(String value) {
        if (value == null || !IPAddress.isValid(value)) {
            throw new CryptoException(
                    "IP address '" + OneLine.quoted(value) + "' is not valid: expected e.g. 127.0.0.1 or ::1");
        }
        return value;
    }

    static String requireDisplayName(@Nullable String value, String field) {
        if (value == null
                || value.isBlank()
                || value.length() > 128
                || value.chars().anyMatch(Character::isISOControl)) {
            throw new CryptoException(field + " must be 1 to 128 printable characters");
        }
        return value.strip();
    }
}
