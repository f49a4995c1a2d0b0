package dev.secureconnect.server.cases;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.chain.HashChain;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.ServerAuditEvent;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.config.FileStamp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alert rules in force, from {@code SERVER_DIR/rules.yaml}. {@link #poll} (about once a second, off the event
 * loops) reads the file again when its modification time or size changed, like the token key ring follows its files:
 * valid rules replace the ones in force ({@code case.rules-loaded}); invalid ones are refused with the line that is
 * wrong ({@code case.rules-refused}, logged) and the rules in force stay. Thread-safe.
 */
public final class AlertRules {

    private static final Logger LOG = LoggerFactory.getLogger(AlertRules.class);

    private final Path dir;
    private final ServerAuditLog audit;
    private volatile List<AlertRule> rules = List.of();
    private @Nullable FileStamp seen;

    private AlertRules(Path dir, ServerAuditLog audit) {
        this.dir = requireNonNull(dir, "dir");
        this.audit = requireNonNull(audit, "audit");
    }

    /** The rules of {@code dir}, read now: invalid or missing rules start the server with none (logged, audited). */
    public static AlertRules load(Path dir, ServerAuditLog audit) {
        AlertRules loaded = new AlertRules(dir, audit);
        Path file = dir.resolve(RulesFile.NAME);
        if (!Files.exists(file)) {
            LOG.info("no {}: Call Home opens no cases until it exists (see docs/callhome.md)", file);
        }
        loaded.poll();
        return loaded;
    }

    public List<AlertRule> rules() {
        return rules;
    }

    /** Reads the file again if it changed; never throws. */
    public synchronized void poll() {
        Path file = dir.resolve(RulesFile.NAME);
        FileStamp now = FileStamp.of(file);
        if (now == null && seen == null) {
            return; // no file, and none before
        }
        if (now != null && now.equals(seen)) {
            return;
        }
        seen = now;
        try {
            byte[] bytes = now == null ? new byte[0] : Files.readAllBytes(file);
            List<AlertRule> read =
                    RulesFile.parse(file.toString(), new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
            rules = read;
            LOG.info("{}: {} alert rule(s) in force", file, read.size());
            audit.append(ServerAuditEvent.builder(EventType.CASE_RULES_LOADED)
                    .detail("file", RulesFile.NAME)
                    .detail("rules", read.size())
                    .detail("sha256", HashChain.sha256Hex(bytes))
                    .build());
        } catch (RulesException e) {
            refused(file, String.valueOf(e.getMessage()));
        } catch (IOException e) {
            refused(file, file + " cannot be read: " + OneLine.of(e.getMessage()));
        } catch (RuntimeException e) {
            LOG.error(
                    "{} changed but cannot be applied, keeping the {} rule(s) in force: {}",
                    file,
                    rules.size(),
                    OneLine.reason(e));
        }
    }

    private void refused(Path file, String reason) {
        LOG.error("{}, keeping the {} rule(s) in force", reason, rules.size());
        try {
            audit.append(ServerAuditEvent.builder(EventType.CASE_RULES_REFUSED)
                    .outcome(ServerAuditEvent.Outcome.FAILURE)
                    .detail("file", RulesFile.NAME)
                    .detail("reason", OneLine.of(reason))
                    .build());
        } catch (RuntimeException e) {
            LOG.warn("cannot audit the refused {}: {}", file, OneLine.reason(e));
        }
    }
}
