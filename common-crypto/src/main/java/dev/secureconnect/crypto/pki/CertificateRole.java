package dev.secureconnect.crypto.pki;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a certificate is for in SecureConnect. The role decides the profile it is issued with. */
public enum CertificateRole {
    ROOT_CA("root-ca"),
    ISSUING_CA("issuing-ca"),
    /**
     * The online sub-CA a support server holds to sign appliance certificates at enrolment and renewal: under the
     * root, path length 0, name-constrained to appliance subjects, clientAuth only.
     */
    ENROLMENT_CA("enrolment-ca"),
    SERVER("server"),
    APPLIANCE("appliance"),
    ENGINEER("engineer"),
    /** A program that calls the server's API, e.g. a SIEM connector pulling audit events: client-auth only. */
    API_CLIENT("api-client");

    /** The prefix of the SAN URI naming appliances, engineers, API clients: {@code urn:secureconnect:<role>:<id>}. */
    public static final String URN_PREFIX = "urn:secureconnect:";

    private final String label;

    CertificateRole(String label) {
        this.label = label;
    }

    /** The role's name on command lines, in indexes and in URNs: {@code server}, {@code appliance}, … */
    public String label() {
        return label;
    }

    public boolean isAuthority() {
        return this == ROOT_CA || this == ISSUING_CA || this == ENROLMENT_CA;
    }

    /** Whether certificates of this role are named by a SAN URI {@code urn:secureconnect:<label>:<id>}. */
    public boolean isNamedByUrn() {
        return this == APPLIANCE || this == ENGINEER || this == API_CLIENT;
    }

    /** Reads a role name as written on a command line or in an index (case-insensitive). */
    public static CertificateRole fromLabel(String text) {
        String wanted = text.trim().toLowerCase(Locale.ROOT);
        for (CertificateRole role : values()) {
            if (role.label.equals(wanted)) {
                return role;
            }
        }
        throw new IllegalArgumentException("unknown role '" + text + "' (expected one of: "
                + Arrays.stream(values()).map(CertificateRole::label).collect(Collectors.joining(", ")) + ")");
    }

    @Override
    public String toString() {
        return label;
    }
}
