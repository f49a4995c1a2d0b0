package dev.secureconnect.pki;

import dev.secureconnect.crypto.pki.CertificateRole;
import picocli.CommandLine;

/** Reads {@code --role} values: server, appliance, engineer or api-client (the roles a CSR may be signed as). */
final class LeafRole implements CommandLine.ITypeConverter<CertificateRole> {

    /** The leaf roles as a usage message lists them. */
    static final String CHOICES = "server, appliance, engineer or api-client";

    @Override
    public CertificateRole convert(String value) {
        CertificateRole role;
        try {
            role = CertificateRole.fromLabel(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException("unknown role '" + value + "' (expected " + CHOICES + ")");
        }
        if (role.isAuthority()) {
            throw new CommandLine.TypeConversionException(
                    "role '" + value + "' cannot be requested (expected " + CHOICES + ")");
        }
        return role;
    }

    /** Any role, CAs included (for filtering listings). */
    static final class Any implements CommandLine.ITypeConverter<CertificateRole> {
        @Override
        public CertificateRole convert(String value) {
            try {
                return CertificateRole.fromLabel(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
