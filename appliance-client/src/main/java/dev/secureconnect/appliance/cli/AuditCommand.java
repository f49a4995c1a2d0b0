package dev.secureconnect.appliance.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.audit.ApplianceAuditLog;
import dev.secureconnect.appliance.audit.ApplianceAuditRecord;
import dev.secureconnect.appliance.audit.AuditCheckpoints;
import dev.secureconnect.appliance.config.ApplianceConfig;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.appliance.internal.Json;
import dev.secureconnect.cli.JsonOutput;
import dev.secureconnect.cli.TextTable;
import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.chain.ChainCheckpoint;
import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.pki.CertificateIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "audit",
        description = "Lists the appliance's own audit log: every admin action and every link and"
                + " stream event, so you can see what support did.",
        subcommands = {
            AuditCommand.Verify.class,
            AuditCommand.Status.class,
            AuditReportCommands.Report.class,
            AuditReportCommands.Sessions.class
        })
final class AuditCommand implements Callable<Integer> {

    private final Console console;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    // not required here, so that 'audit verify --dir DIR' needs no second --dir before 'verify'
    @Option(names = "--dir", paramLabel = "DIR", description = "The appliance directory (set up by 'init').")
    Path dir;

    @Option(names = "--json", description = "Print a JSON array of the records.")
    boolean json;

    AuditCommand(Console console) {
        this.console = console;
    }

    @Override
    public Integer call() throws JsonProcessingException {
        if (dir == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--dir=DIR'");
        }
        List<ApplianceAuditRecord> records =
                new ApplianceAuditLog(ApplianceDirectory.open(dir), console.clock()).records();
        if (json) {
            JsonOutput.print(console.out(), Json.COMPACT, records);
            return 0;
        }
        if (records.isEmpty()) {
            console.out().println("the audit log is empty");
            return 0;
        }
        TextTable table =
                new TextTable("SEQ", "TIME", "EVENT", "ACTOR", "TICKET", "SESSION", "TARGET", "OUTCOME", "DETAIL");
        for (ApplianceAuditRecord record : records) {
            String detail = record.reason() == null ? "" : record.reason();
            if (record.bytesToService() != null) {
                detail = (detail.isEmpty() ? "" : detail + "; ") + record.bytesToService() + " bytes to the service, "
                        + record.bytesFromService() + " bytes back";
            }
            if (record.details() != null) {
                String details = record.details().entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue())
                        .collect(java.util.stream.Collectors.joining(" "));
                detail = (detail.isEmpty() ? "" : detail + "; ") + details;
            }
            table.row(
                    record.seq(),
                    record.time(),
                    record.event() + " (" + record.eventId() + ")",
                    record.actor(),
                    record.ticket(),
                    record.session(),
                    record.target(),
                    record.outcome(),
                    detail.isEmpty() ? null : detail);
        }
        table.print(console.out());
        return 0;
    }

    @Command(
            name = "verify",
            description = "Verifies the audit log's hash chain and its signed checkpoints (with the"
                    + " appliance's certificate); exit 1 names the first edited, removed or reordered line.")
    static final class Verify implements Callable<Integer> {
        private final Console console;

        @Mixin
        DirOption dir;

        @Option(
                names = "--anchor",
                paramLabel = "FILE",
                description = "Also prove that no record up to this checkpoint"
                        + " was removed or changed: one line of audit.checkpoints kept elsewhere, or the checkpoint the server"
                        + " holds ('sc-server appliances --dir DIR --checkpoint SERIAL --out FILE').")
        Path anchor;

        Verify(Console console) {
            this.console = console;
        }

        @Override
        public Integer call() {
            ApplianceDirectory directory = dir.open();
            ApplianceConfig config = directory.config();
            Path certificateFile = directory.resolve(config.files().certificate());
            X509Certificate certificate;
            String serial;
            try {
                certificate = Pem.readCertificates(certificateFile).get(0);
                serial = CertificateIdentity.of(certificate).id();
            } catch (CryptoException | IndexOutOfBoundsException e) {
                throw new ApplianceException(
                        "cannot check the checkpoints: " + certificateFile + " is not the appliance's"
                                + " certificate (" + e.getMessage() + ")",
                        e);
            }
            Optional<ChainCheckpoint> anchored = Optional.empty();
            if (anchor != null) {
                try {
                    anchored = Optional.of(AuditCheckpoints.parse(Files.readString(anchor), "--anchor " + anchor));
                } catch (java.nio.file.NoSuchFileException e) {
                    throw new ApplianceException("--anchor " + anchor + " does not exist", e);
                } catch (java.io.IOException e) {
                    throw new ApplianceException("--anchor " + anchor + " cannot be read: " + e.getMessage(), e);
                }
            }
            ApplianceAuditLog log = new ApplianceAuditLog(directory, console.clock());
            String verified =
                    new AuditCheckpoints(directory, log, console.clock()).verify(certificate, serial, anchored);
            console.out().println("audit log " + directory.auditFile() + " is intact: " + verified);
            return 0;
        }
    }

    @Command(
            name = "status",
            description = "Says whether the audit log is written (ok) or degraded: records held in the"
                    + " daemon's spill file (run/audit-spill.jsonl) because audit.log could not be written. Exit 1 while"
                    + " degraded.")
    static final class Status implements Callable<Integer> {
        private final Console console;

        @Mixin
        DirOption dir;

        Status(Console console) {
            this.console = console;
        }

        @Override
        public Integer call() {
            String line = describe(dir.open());
            console.out().println(line);
            return line.equals(OK) ? 0 : 1;
        }
    }

    static final String OK = "audit: ok";

    /**
     * The state of the appliance's audit log as {@code audit status} and {@code status} show it: {@code normal}, or
     * {@code degraded} while closing records wait in the spill file for {@code audit.log} to take them.
     *
     * @param state {@code normal} or {@code degraded}
     * @param heldRecords the records the spill file holds
     * @param spillBytes the spill file's size in bytes, 0 when there is none
     * @param spillFile where the spill file is
     * @param since when the oldest held record was spilled, null when none is held
     * @param full whether the spill is full ({@code audit.spillMaxRecords}), which closed every session
     */
    record AuditState(
            String state,
            int heldRecords,
            long spillBytes,
            String spillFile,
            @Nullable String since,
            boolean full) {}

    /** The audit log's state, read from {@code directory}'s spill file. */
    static AuditState state(ApplianceDirectory directory) {
        List<ApplianceAuditLog.HeldRecord> held = ApplianceAuditLog.held(directory);
        Path spill = directory.auditSpillFile();
        long bytes;
        try {
            bytes = Files.exists(spill) ? Files.size(spill) : 0;
        } catch (IOException e) {
            throw new ApplianceException("cannot read the size of " + spill + ": " + e.getMessage(), e);
        }
        return new AuditState(
                held.isEmpty() ? "normal" : "degraded",
                held.size(),
                bytes,
                spill.toString(),
                held.isEmpty() ? null : held.get(0).spilledAt().toString(),
                !held.isEmpty() && held.size() >= directory.config().audit().spillMaxRecords());
    }

    /** {@code audit: ok}, or {@code audit: degraded: …} with what the spill file holds since when. */
    static String describe(ApplianceDirectory directory) {
        AuditState audit = state(directory);
        if (audit.heldRecords() == 0) {
            return OK;
        }
        return "audit: degraded: " + audit.heldRecords() + " record(s) held in " + audit.spillFile() + " since "
                + audit.since() + (audit.full() ? " (full: sessions closed)" : "")
                + "; the daemon appends them once audit.log can be written";
    }
}
