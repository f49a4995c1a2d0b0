package dev.secureconnect.crypto.pki;

import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.text.OneLine;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.jspecify.annotations.Nullable;

/** The subject alternative names of a certificate or request, sorted by kind. */
record SubjectAltNames(List<String> dnsNames, List<String> ipAddresses, List<String> uris, List<String> emails) {

    static final SubjectAltNames NONE = new SubjectAltNames(List.of(), List.of(), List.of(), List.of());

    SubjectAltNames {
        dnsNames = List.copyOf(dnsNames);
        ipAddresses = List.copyOf(ipAddresses);
        uris = List.copyOf(uris);
        emails = List.copyOf(emails);
    }

    static SubjectAltNames from(@Nullable GeneralNames names) {
        if (names == null) {
            return NONE;
        }
        List<String> dns = new ArrayList<>();
        List<String> ips = new ArrayList<>();
        List<String> uris = new ArrayList<>();
        List<String> emails = new ArrayList<>();
        for (GeneralName name : names.getNames()) {
            switch (name.getTagNo()) {
                case GeneralName.dNSName -> dns.add(text(name));
                case GeneralName.uniformResourceIdentifier -> uris.add(text(name));
                case GeneralName.rfc822Name -> emails.add(text(name));
                case GeneralName.iPAddress -> ips.add(ipAddress(name));
                default -> {
                    // other kinds (directory names, other names) play no part in SecureConnect identities
                }
            }
        }
        return new SubjectAltNames(dns, ips, uris, emails);
    }

    /** The {@code urn:secureconnect:<role>:<id>} URIs among the names, parsed. */
    List<Urn> secureConnectUrns() {
        List<Urn> urns = new ArrayList<>();
        for (String uri : uris) {
            if (!uri.startsWith(CertificateRole.URN_PREFIX)) {
                continue;
            }
            String rest = uri.substring(CertificateRole.URN_PREFIX.length());
            int colon = rest.indexOf(':');
            CertificateRole role = colon < 0 ? null : urnRole(rest.substring(0, colon));
            if (role == null) {
                throw new CryptoException("SAN URI '" + OneLine.quoted(uri)
                        + "' is not a SecureConnect identity: expected urn:secureconnect:appliance:<serial>,"
                        + " urn:secureconnect:engineer:<login> or urn:secureconnect:api-client:<name>");
            }
            String id = IdentityNames.requireId(rest.substring(colon + 1), role.label() + " id in SAN URI");
            urns.add(new Urn(role, id));
        }
        return urns;
    }

    private static @Nullable CertificateRole urnRole(String label) {
        for (CertificateRole role : CertificateRole.values()) {
            if (role.isNamedByUrn() && role.label().equals(label)) {
                return role;
            }
        }
        return null;
    }

    private static String text(GeneralName name) {
        return ((ASN1String) name.getName()).getString();
    }

    private static String ipAddress(GeneralName name) {
        byte[] octets = ASN1OctetString.getInstance(name.getName()).getOctets();
        try {
            return InetAddress.getByAddress(octets).getHostAddress();
        } catch (UnknownHostException e) {
            throw new CryptoException("SAN IP address has " + octets.length + " bytes: expected 4 or 16", e);
        }
    }

    /** A SecureConnect identity URI, {@code urn:secureconnect:<role>:<id>}. */
    record Urn(CertificateRole role, String id) {
        static String of(CertificateRole role, String id) {
            return CertificateRole.URN_PREFIX + role.label() + ":" + id;
        }

        @Override
        public String toString() {
            return of(role, id);
        }
    }
}
