package dev.secureconnect.engineer.cli;

import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.engineer.client.ServerAddress;
import dev.secureconnect.engineer.state.EngineerHome;
import dev.secureconnect.tunnel.link.TicketNumber;
import java.time.Duration;
import java.util.function.Function;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Argument types: bad values are usage errors (exit 2) with a one-line message. */
final class Converters {

    private static final Pattern TOTP = Pattern.compile("[0-9]{6,8}");

    private Converters() {}

    private static <T> T convert(String value, Function<String, T> parser) {
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }

    static final class Ticket implements CommandLine.ITypeConverter<TicketNumber> {
        @Override
        public TicketNumber convert(String value) {
            return Converters.convert(value, TicketNumber::parse);
        }
    }

    /** A support case's id: {@code C} and 8 digits. */
    static final class CaseId implements CommandLine.ITypeConverter<String> {
        private static final Pattern CASE = Pattern.compile("C[0-9]{8}");

        @Override
        public String convert(String value) {
            if (!CASE.matcher(value).matches()) {
                throw new CommandLine.TypeConversionException("case '" + OneLine.quoted(value)
                        + "' is not valid: expected C and 8 digits, e.g. C12345678 (see 'sc-engineer cases')");
            }
            return value;
        }
    }

    static final class Server implements CommandLine.ITypeConverter<ServerAddress> {
        @Override
        public ServerAddress convert(String value) {
            return Converters.convert(value, ServerAddress::parse);
        }
    }

    static final class Serial implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            return Converters.convert(value, EngineerHome::requireSerial);
        }
    }

    static final class Lifetime implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return Converters.convert(value, Ttl::parse);
        }
    }

    static final class Ports implements CommandLine.ITypeConverter<PortSpec> {
        @Override
        public PortSpec convert(String value) {
            return Converters.convert(value, PortSpec::parse);
        }
    }

    static final class RemotePort implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return Converters.convert(value, PortSpec::remotePort);
        }
    }

    static final class TotpCode implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            return Converters.convert(value, Converters::totp);
        }
    }

    static String totp(String value) {
        String code = value == null ? "" : value.strip();
        if (!TOTP.matcher(code).matches()) {
            throw new IllegalArgumentException("TOTP code '" + OneLine.of(value)
                    + "' is not valid: expected the 6 digits" + " your authenticator app shows");
        }
        return code;
    }

    static final class RemotePath implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (value == null || !value.startsWith("/") || value.chars().anyMatch(Character::isISOControl)) {
                throw new CommandLine.TypeConversionException("remote path '" + OneLine.of(value)
                        + "' is not valid: expected an absolute path on the appliance, e.g. /var/log/app.log");
            }
            return value;
        }
    }
}
