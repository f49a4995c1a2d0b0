package dev.secureconnect.server.engineers;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The answer to an engineer's login: the second factor is accepted, or refused with a reason whose text is safe to
 * show the engineer.
 *
 * @param login the login checked
 * @param reason why it is refused, or {@code null} when accepted
 * @param lockedUntil when the engineer is locked out (this attempt locked them, or they were locked already), until
 *     when; otherwise {@code null}
 */
public record SecondFactorResult(
        String login, @Nullable Reason reason, @Nullable Instant lockedUntil) {

    /** Why a login is refused; {@link #text()} is what the engineer is told. */
    public enum Reason {
        /** No engineer is enrolled with this login. */
        UNKNOWN("unknown engineer"),
        /** The engineer is disabled. */
        DISABLED("engineer disabled"),
        /** The certificate presented is not the one enrolled for this login. */
        WRONG_CERTIFICATE("certificate is not the one enrolled for this engineer"),
        /** Too many failed logins in a row: refused, even with a right code, until the lockout ends. */
        LOCKED("locked out after too many failed logins"),
        /** Not the code of any time step around now, or not 6 digits. */
        BAD_CODE("wrong TOTP code"),
        /** The code of a time step already used (or older than the one last used). */
        REPLAY("TOTP code already used: wait for the next one");

        private final String text;

        Reason(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }

        /** The lower-case, dashed name used in audit details, e.g. {@code wrong-certificate}. */
        public String code() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public SecondFactorResult {
        requireNonNull(login, "login");
    }

    static SecondFactorResult accepted(String login) {
        return new SecondFactorResult(login, null, null);
    }

    static SecondFactorResult refused(String login, Reason reason, @Nullable Instant lockedUntil) {
        return new SecondFactorResult(login, requireNonNull(reason, "reason"), lockedUntil);
    }

    public boolean ok() {
        return reason == null;
    }

    /** {@code accepted}, or the reason's text, with the end of the lockout when there is one. */
    public String message() {
        if (reason == null) {
            return "accepted";
        }
        if (reason == Reason.WRONG_CERTIFICATE) {
            return reason.text() + "; if it is a renewed certificate, ask your operator to run 'sc-server engineers"
                    + " update-cert --login " + login + " --cert FILE'";
        }
        return lockedUntil == null ? reason.text() : reason.text() + "; locked out until " + lockedUntil;
    }
}
