package dev.secureconnect.appliance.audit;

import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.appliance.internal.Json;
import dev.secureconnect.crypto.chain.HashChain;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * What someone with the appliance's files but without its key can do to its audit log, with the appliance's own log
 * classes (in their package, for the hash's canonical form): cut the tail, recompute the SHA-256 chain, rewrite
 * {@code audit.head}, and remove the signed checkpoints that would tell. For the real-process tests.
 */
public final class AuditTailCut {

    private AuditTailCut() {}

    /**
     * Keeps the first {@code keep} records of the log in {@code directory} (the appliance stopped), rechained, with the
     * head rewritten and {@code audit.checkpoints} removed.
     *
     * @return how many records the log held before the cut
     */
    public static int cut(ApplianceDirectory directory, int keep) throws IOException {
        List<String> lines = Files.readAllLines(directory.auditFile(), StandardCharsets.UTF_8);
        if (keep < 1 || keep >= lines.size()) {
            throw new IllegalArgumentException("keep " + keep + " of " + lines.size() + " records: nothing to cut");
        }
        List<String> rechained = new ArrayList<>();
        String previous = HashChain.GENESIS;
        ApplianceAuditRecord last = null;
        for (String line : lines.subList(0, keep)) {
            ApplianceAuditRecord record = Json.COMPACT.readValue(line, ApplianceAuditRecord.class);
            String hash = HashChain.link(previous, ApplianceAuditLog.canonical(record.body()));
            last = record.body().chained(previous, hash);
            rechained.add(Json.line(last));
            previous = hash;
        }
        Files.write(directory.auditFile(), rechained, StandardCharsets.UTF_8);
        Files.writeString(directory.auditHeadFile(), Json.line(new ApplianceAuditLog.Head(last.seq(), last.hash())));
        Files.deleteIfExists(directory.auditCheckpointsFile());
        return lines.size();
    }
}
