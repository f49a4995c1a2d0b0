package dev.secureconnect.pki;

import dev.secureconnect.cli.JsonOutput;
import dev.secureconnect.cli.TextTable;
import dev.secureconnect.crypto.json.Mappers;
import dev.secureconnect.crypto.pki.CertificateRole;
import dev.secureconnect.pki.ca.IndexEntry;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "list", description = "Lists the certificates the CA issued.")
final class ListCommand implements Callable<Integer> {

    private final Terminal terminal;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The CA directory.")
    java.nio.file.Path dir;

    @Option(
            names = "--role",
            paramLabel = "ROLE",
            converter = LeafRole.Any.class,
            description = "Only this role: root-ca, issuing-ca, server, appliance or engineer.")
    CertificateRole role;

    @Option(
            names = "--status",
            paramLabel = "STATUS",
            converter = StatusConverter.class,
            description = "Only this status: valid, revoked or expired.")
    String status;

    @Option(names = "--json", description = "Print JSON (an array of objects) instead of a table.")
    boolean json;

    ListCommand(Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        Instant now = terminal.clock().instant();
        List<IndexEntry> entries =
                dev.secureconnect.pki.ca.CaDirectory.open(dir, terminal.clock()).index().certificates().stream()
                        .filter(entry -> role == null || entry.role().equals(role.label()))
                        .filter(entry -> status == null || entry.statusAt(now).equals(status))
                        .toList();
        if (json) {
            printJson(entries, now);
        } else {
            printTable(entries, now);
        }
        return 0;
    }

    private void printJson(List<IndexEntry> entries, Instant now) {
        List<Map<String, Object>> rows = entries.stream()
                .map(entry -> {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("serial", entry.serial());
                    row.put("role", entry.role());
                    row.put("identity", entry.identity());
                    row.put("subject", entry.subject());
                    row.put("notBefore", entry.notBefore());
                    row.put("notAfter", entry.notAfter());
                    row.put("status", entry.statusAt(now));
                    row.put("fingerprint", entry.fingerprint());
                    row.put("issuedAt", entry.issuedAt());
                    if (entry.revoked()) {
                        row.put("revokedAt", entry.revokedAt());
                        row.put("reason", entry.reason());
                    }
                    return row;
                })
                .toList();
        JsonOutput.print(terminal.out(), Mappers.json(), rows);
    }

    private void printTable(List<IndexEntry> entries, Instant now) {
        TextTable table = new TextTable("SERIAL", "ROLE", "IDENTITY", "NOT AFTER", "STATUS");
        for (IndexEntry entry : entries) {
            String state = entry.statusAt(now);
            if (entry.revoked()) {
                state += " (" + entry.reason() + ")";
            }
            table.row(entry.serial(), entry.role(), entry.identity(), entry.notAfter(), state);
        }
        table.print(terminal.out());
    }

    static final class StatusConverter implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (!List.of(IndexEntry.VALID, IndexEntry.REVOKED, IndexEntry.EXPIRED)
                    .contains(value)) {
                throw new CommandLine.TypeConversionException(
                        "unknown status '" + value + "' (expected valid, revoked or expired)");
            }
            return value;
        }
    }
}
