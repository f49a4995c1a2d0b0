package dev.secureconnect.tunnel.link;

import java.util.List;
import java.util.Objects;

/** The server's verdict on the tickets of a hello: each accepted, or refused with a reason for the appliance admin. */
public record Admission(List<Verdict> verdicts) {

    public Admission {
        verdicts = List.copyOf(verdicts);
    }

    /** One ticket's verdict; {@code reason} is empty when accepted. */
    public record Verdict(String ticket, boolean accepted, String reason) {
        public Verdict {
            Objects.requireNonNull(ticket, "ticket");
            reason = reason == null ? "" : reason;
        }

        public static Verdict accept(String ticket) {
            return new Verdict(ticket, true, "");
        }

        public static Verdict refuse(String ticket, String reason) {
            return new Verdict(ticket, false, reason);
        }
    }
}
