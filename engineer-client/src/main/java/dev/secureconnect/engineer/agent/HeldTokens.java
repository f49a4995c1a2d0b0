package dev.secureconnect.engineer.agent;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.token.SignedAccessToken;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The opened access tokens the agent holds, one per appliance (serials without regard to case, as ssh lowercases
 * {@code %h}). A token is forgotten when its {@code exp} has passed (checked at every use and by {@link #sweep}), when
 * the server refuses it as revoked or expired ({@link #forget}), and when the agent stops. Held in memory only.
 */
final class HeldTokens {

    private final Clock clock;
    private final Map<String, SignedAccessToken> tokens = new HashMap<>();

    HeldTokens(Clock clock) {
        this.clock = requireNonNull(clock, "clock");
    }

    /** Holds {@code token} for its appliance, replacing an earlier one; false (not held) if it has expired. */
    synchronized boolean add(SignedAccessToken token) {
        if (expired(token)) {
            return false;
        }
        tokens.put(key(token.claims().appliance()), token);
        return true;
    }

    /** The unexpired token for {@code serial}; an expired one is forgotten. */
    synchronized Optional<SignedAccessToken> find(String serial) {
        SignedAccessToken token = tokens.get(key(serial));
        if (token != null && expired(token)) {
            tokens.remove(key(serial));
            return Optional.empty();
        }
        return Optional.ofNullable(token);
    }

    /** Forgets the token for {@code serial} if it is still {@code token} (not replaced meanwhile). */
    synchronized void forget(String serial, SignedAccessToken token) {
        tokens.remove(key(serial), token);
    }

    /** Forgets every expired token; the appliances whose token was forgotten. */
    synchronized List<String> sweep() {
        List<String> dropped = new ArrayList<>();
        tokens.entrySet().removeIf(entry -> {
            boolean expired = expired(entry.getValue());
            if (expired) {
                dropped.add(entry.getValue().claims().appliance());
            }
            return expired;
        });
        return dropped;
    }

    /** The tokens held now, by appliance. */
    synchronized List<SignedAccessToken> list() {
        sweep();
        List<SignedAccessToken> held = new ArrayList<>(tokens.values());
        held.sort(Comparator.comparing(token -> token.claims().appliance()));
        return held;
    }

    synchronized void clear() {
        tokens.clear();
    }

    private boolean expired(SignedAccessToken token) {
        return !clock.instant().isBefore(token.claims().expiresAt());
    }

    private static String key(String serial) {
        return serial.toLowerCase(Locale.ROOT);
    }
}
