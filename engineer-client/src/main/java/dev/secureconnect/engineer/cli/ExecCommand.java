package dev.secureconnect.engineer.cli;

import dev.secureconnect.engineer.EngineerException;
import dev.secureconnect.engineer.agent.StreamRequest;
import dev.secureconnect.tunnel.link.LinkException;
import dev.secureconnect.tunnel.link.LinkProtocol;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code exec SERIAL NAME [ARGS…]}: runs a command of the appliance's catalogue, streams its output to standard
 * output and exits with its exit status; 255 when it could not be run (refused, unknown, connection failed).
 */
@Command(
        name = "exec",
        description = "Runs command NAME of the appliance's catalogue (with ARGS added to its fixed"
                + " arguments, no shell), prints its output and exits with its exit status; 255 if it could not be run."
                + " Options go before SERIAL.")
final class ExecCommand implements Callable<Integer> {

    /** The exit code when the command could not be run, as ssh has it. */
    static final int EXIT_NOT_RUN = 255;

    private final Console console;

    @Parameters(
            index = "0",
            paramLabel = "SERIAL",
            converter = Converters.Serial.class,
            description = "The appliance's serial.")
    String serial;

    @Parameters(index = "1", paramLabel = "NAME", description = "The command's name in the appliance's catalogue.")
    String name;

    @Parameters(index = "2..*", paramLabel = "ARGS", description = "Arguments added to the command's fixed ones.")
    List<String> args = List.of();

    @Mixin
    TokenOption token;

    ExecCommand(Console console) {
        this.console = console;
    }

    @Override
    public Integer call() {
        LoggedIn.require(console);
        SessionStreams.Opening opening = SessionStreams.prepare(console, token, serial, false);
        Map<String, String> trailers;
        try (SessionStream stream = opening.open(StreamRequest.exec(name, args))) {
            var ended = stream.receive(SessionStreams.toStdout(console.stdout()));
            stream.end();
            trailers = SessionStreams.awaitEnd(ended);
        } catch (EngineerException | LinkException e) {
            Cli.failed(console, e);
            return EXIT_NOT_RUN;
        }
        String reason = SessionStreams.reason(trailers);
        if (Boolean.parseBoolean(SessionStreams.header(trailers, LinkProtocol.TRAILER_OUTPUT_TRUNCATED))) {
            note("the output of " + name + " was cut at the appliance's size limit");
        }
        if (Boolean.parseBoolean(SessionStreams.header(trailers, LinkProtocol.TRAILER_TIMED_OUT))) {
            note(name + " ran out of time on the appliance and was stopped");
        }
        String status = SessionStreams.header(trailers, LinkProtocol.TRAILER_EXIT_STATUS);
        try {
            int exitStatus = Integer.parseInt(status == null ? "" : status.strip());
            if (exitStatus >= 0 && exitStatus <= 255) {
                return exitStatus;
            }
        } catch (NumberFormatException e) {
            // below
        }
        Cli.failed(
                console,
                new EngineerException(reason != null ? reason : "the appliance sent no exit status for " + name));
        return EXIT_NOT_RUN;
    }

    private void note(String text) {
        console.err().println(Cli.NAME + ": note: " + text);
        console.err().flush();
    }
}
