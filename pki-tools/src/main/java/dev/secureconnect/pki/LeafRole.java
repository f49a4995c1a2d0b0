package dev.secureconnect.pki;

import dev.secureconnect.crypto.pki.CertificateRole;
import picocli.CommandLine;

/** Reads {@code --role} values: server, appliance or engineer (the roles a CSR may be signed as). */
final class LeafRole implements CommandLine.ITypeConverter<CertificateRole> {
    @Override
    public CertificateRole convert(String value) {
        CertificateRole role;
        try {
            role = CertificateRole.fromLabel(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException("unknown role '" + value + "' (expected server, appliance or engineer)");
        }
        if (role.isAuthority()) {
            throw new CommandLine.TypeConversionException("role '" + value + "' cannot be requested (expected server, appliance or engineer)");
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
