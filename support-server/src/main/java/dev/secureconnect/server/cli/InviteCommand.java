package dev.secureconnect.server.cli;

import dev.secureconnect.cli.DurationText;
import dev.secureconnect.cli.JsonOutput;
import dev.secureconnect.crypto.json.Mappers;
import dev.secureconnect.crypto.pki.CertificateFingerprint;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.server.enrolment.EnrolmentCa;
import dev.secureconnect.server.enrolment.Invite;
import dev.secureconnect.server.enrolment.InviteStore;
import dev.secureconnect.server.storage.Database;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "invite",
        description = "Prints a one-time enrolment code for one appliance serial (single use, expiring, stored only as"
                + " a hash, carrying the root CA's fingerprint): 'sc-appliance enrol --code CODE' uses it. --revoke"
                + " revokes the serial's unused code instead.")
final class InviteCommand implements Callable<Integer> {

    @Mixin
    ServerDir server;

    @Option(names = "--serial", required = true, paramLabel = "SERIAL", description = "The appliance's serial.")
    String serial;

    @Option(
            names = "--ttl",
            paramLabel = "DURATION",
            defaultValue = "24h",
            description = "How long the code can be used: minutes, hours or days, e.g. 90m, 24h, 7d (default"
                    + " ${DEFAULT-VALUE}, at most 30d).")
    String ttl;

    @Option(
            names = "--replace",
            description = "Let the code replace a valid certificate the serial holds (a re-installed appliance).")
    boolean replace;

    @Option(names = "--revoke", description = "Revoke the serial's unused code instead of making one.")
    boolean revoke;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        server.config();
        Path dir = server.dir.toAbsolutePath().normalize();
        PrintWriter out = spec.commandLine().getOut();
        try (Database database = server.database()) {
            InviteStore invites = new InviteStore(database, server.audit(database), Clock.systemUTC());
            if (revoke) {
                Invite revoked = invites.revoke(serial, ServerDir.actor());
                if (json) {
                    JsonOutput.print(out, Mappers.json(), row(revoked, null));
                } else {
                    out.println("revoked enrolment code " + revoked.codeId() + " of appliance " + serial);
                }
                return 0;
            }
            if (!EnrolmentCa.presentIn(dir)) {
                throw new CliException(dir + " holds no enrolment CA, so no appliance can enrol: give it one with"
                        + " 'sc-server enrolment-ca import --dir " + dir + " --from DIR' first");
            }
            CertificateFingerprint root =
                    CertificateFingerprint.of(EnrolmentCaCommand.roots(dir).get(0));
            InviteStore.Issued issued = invites.invite(serial, parseTtl(ttl), replace, ServerDir.actor(), root);
            if (json) {
                JsonOutput.print(
                        out, Mappers.json(), row(issued.invite(), issued.code().text()));
            } else {
                out.println(issued.code().text());
                out.println(
                        "  one-time code " + issued.invite().codeId() + " for appliance " + serial + ", usable until "
                                + issued.invite().expiresAt() + (replace ? ", may replace its certificate" : "")
                                + "; on the appliance: sc-appliance enrol --dir DIR --server HOST:PORT --code CODE --serial "
                                + serial);
            }
        }
        return 0;
    }

    private static Map<String, Object> row(Invite invite, @Nullable String code) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("serial", invite.serial());
        row.put("codeId", invite.codeId());
        if (code != null) {
            row.put("code", code);
        }
        row.put("expiresAt", invite.expiresAt().toString());
        row.put("replace", invite.replace());
        row.put("state", invite.revokedAt() != null ? "revoked" : "open");
        return row;
    }

    /** {@code 90m}, {@code 24h}, {@code 7d}. */
    static Duration parseTtl(String text) {
        try {
            return DurationText.parseSimple(text);
        } catch (IllegalArgumentException e) {
            throw new CliException("--ttl '" + OneLine.quoted(text) + "' is not valid: expected a number and a unit,"
                    + " e.g. 90m, 24h or 7d");
        }
    }
}
