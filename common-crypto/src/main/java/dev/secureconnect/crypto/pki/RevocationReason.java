package dev.secureconnect.crypto.pki;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.bouncycastle.asn1.x509.CRLReason;

/** The RFC 5280 reason codes a revocation may give, named as on the command line. */
public enum RevocationReason {
    UNSPECIFIED("unspecified", CRLReason.unspecified),
    KEY_COMPROMISE("keyCompromise", CRLReason.keyCompromise),
    CA_COMPROMISE("cACompromise", CRLReason.cACompromise),
    AFFILIATION_CHANGED("affiliationChanged", CRLReason.affiliationChanged),
    SUPERSEDED("superseded", CRLReason.superseded),
    CESSATION_OF_OPERATION("cessationOfOperation", CRLReason.cessationOfOperation),
    CERTIFICATE_HOLD("certificateHold", CRLReason.certificateHold),
    PRIVILEGE_WITHDRAWN("privilegeWithdrawn", CRLReason.privilegeWithdrawn);

    private final String label;
    private final int code;

    RevocationReason(String label, int code) {
        this.label = label;
        this.code = code;
    }

    public String label() {
        return label;
    }

    /** The reasonCode of RFC 5280 section 5.3.1. */
    public int code() {
        return code;
    }

    public static RevocationReason fromLabel(String text) {
        for (RevocationReason reason : values()) {
            if (reason.label.equalsIgnoreCase(text.trim())) {
                return reason;
            }
        }
        throw new IllegalArgumentException("unknown revocation reason '" + text + "' (expected one of: "
                + Arrays.stream(values()).map(RevocationReason::label).collect(Collectors.joining(", ")) + ")");
    }

    @Override
    public String toString() {
        return label;
    }
}
