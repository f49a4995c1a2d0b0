package dev.secureconnect.server.sessions;

import java.util.Locale;

/** What a session stream does on the appliance. */
public enum SessionKind {
    /** A byte stream to an allow-listed service ({@code CONNECT 127.0.0.1:PORT}). */
    CONNECT,
    /** A command of the appliance's catalogue ({@code POST /v1/exec}). */
    EXEC,
    /** A file read from an allowed folder ({@code GET /v1/files}). */
    GET,
    /** A file written to an allowed folder ({@code PUT /v1/files}). */
    PUT;

    /** The lower-case name used in audit details and the sessions listing. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
