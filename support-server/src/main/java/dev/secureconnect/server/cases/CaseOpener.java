package dev.secureconnect.server.cases;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.secureconnect.crypto.json.Mappers;
import dev.secureconnect.crypto.text.OneLine;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the rules in force when a bundle is stored and when a heartbeat is missed, and opens the cases they call for.
 * Blocking (it reads and writes the database): call it on the blocking executor or a timer, never on an event loop.
 */
public final class CaseOpener {

    private static final Logger LOG = LoggerFactory.getLogger(CaseOpener.class);
    private static final ObjectMapper JSON = Mappers.lenientJson();

    private final AlertRules rules;
    private final CaseStore cases;

    public CaseOpener(AlertRules rules, CaseStore cases) {
        this.rules = requireNonNull(rules, "rules");
        this.cases = requireNonNull(cases, "cases");
    }

    /** A bundle of {@code appliance} was stored; {@code json} passed the parser. */
    public List<SupportCase> bundleStored(String appliance, String bundleId, byte[] json) {
        JsonNode bundle;
        try {
            bundle = JSON.readTree(json);
        } catch (IOException e) {
            LOG.warn("bundle {} of {} cannot be read for the alert rules: {}", bundleId, appliance, OneLine.reason(e));
            return List.of();
        }
        List<Firing> firings = Conditions.onBundle(rules.rules(), bundle);
        return cases.fire(appliance, bundleId, firings, CaseStore.Evaluation.BUNDLE);
    }

    /** {@code callhome.missed} was raised for {@code appliance}; {@code value} says how long it has been silent. */
    public List<SupportCase> heartbeatMissed(String appliance, String value) {
        List<Firing> firings = Conditions.onMissedHeartbeat(rules.rules(), value);
        return firings.isEmpty()
                ? List.of()
                : cases.fire(appliance, null, firings, CaseStore.Evaluation.MISSED_HEARTBEAT);
    }
}
