package dev.secureconnect.server.blocks;

/** What a source got wrong; enough of them within the window blocks the source. */
public enum SourceFailure {
    /** A TLS handshake that did not complete: refused certificate, no certificate, bad protocol, time-out. */
    HANDSHAKE("handshake"),
    /** An access token refused (bad signature, expired, revoked, for another appliance). */
    TOKEN("token"),
    /** A wrong TOTP code at login. */
    TOTP("totp"),
    /** A refused enrolment: a wrong, used, expired or revoked one-time code, or a bad certificate request. */
    ENROLMENT("enrolment");

    private final String label;

    SourceFailure(String label) {
        this.label = label;
    }

    /** The name in audit records and {@code sc-server blocks list}. */
    public String label() {
        return label;
    }
}
