package dev.secureconnect.appliance.cli;

import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.config.ApplianceConfig;
import dev.secureconnect.appliance.config.ServerAddress;
import dev.secureconnect.appliance.internal.Durations;
import dev.secureconnect.tunnel.link.InvalidTicketNumberException;
import dev.secureconnect.tunnel.link.TicketNumber;
import java.time.Duration;
import picocli.CommandLine;

/** Option types: bad values are usage errors (exit 2) with the parser's one-line message. */
final class Converters {

    private Converters() {}

    static final class Ticket implements CommandLine.ITypeConverter<TicketNumber> {
        @Override
        public TicketNumber convert(String value) {
            try {
                return TicketNumber.parse(value);
            } catch (InvalidTicketNumberException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    static final class ConsoleListener implements CommandLine.ITypeConverter<ApplianceConfig.Console> {
        @Override
        public ApplianceConfig.Console convert(String value) {
            try {
                return ApplianceConfig.Console.parse(value);
            } catch (ApplianceException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    static final class Server implements CommandLine.ITypeConverter<ServerAddress> {
        @Override
        public ServerAddress convert(String value) {
            try {
                return ServerAddress.parse(value);
            } catch (ApplianceException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    static final class Wait implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Durations.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
