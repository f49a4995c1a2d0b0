package dev.secureconnect.crypto.pki;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.text.OneLine;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.jspecify.annotations.Nullable;

/**
 * Who or what a certificate names, and in which role: the one place that turns names into certificate fields
 * and back.
 *
 * <ul>
 *   <li>appliance: {@code id} is the serial; SAN URI {@code urn:secureconnect:appliance:<serial>}, CN = serial</li>
 *   <li>engineer: {@code id} is the login; SAN URI {@code urn:secureconnect:engineer:<login>} and the e-mail
 *       address; CN = the person's name</li>
 *   <li>API client: {@code id} is the client's name (e.g. a SIEM connector, {@code splunk-prod}); SAN URI
 *       {@code urn:secureconnect:api-client:<name>}, CN = name</li>
 *   <li>server: {@code id} is the first DNS name (or IP address); SAN DNS names and IP addresses</li>
 *   <li>root, issuing and enrolment CA: {@code id} is the CA's common name; the enrolment CA is the one that
 *       carries name constraints</li>
 * </ul>
 *
 * @param name the person's full name (engineers), else the same as {@code id}
 * @param email the engineer's e-mail address, else empty
 */
public record CertificateIdentity(
        CertificateRole role, String id, String name, String email, List<String> dnsNames, List<String> ipAddresses) {

    static final String OID_SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    static final String OID_CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    /** The organisational unit of every appliance subject. */
    static final String APPLIANCES_UNIT = "Appliances";

    public CertificateIdentity {
        requireNonNull(role, "role");
        requireNonNull(id, "id");
        requireNonNull(name, "name");
        requireNonNull(email, "email");
        dnsNames = List.copyOf(dnsNames);
        ipAddresses = List.copyOf(ipAddresses);
    }

    public static CertificateIdentity rootCa(@Nullable String commonName) {
        String cn = IdentityNames.requireDisplayName(commonName, "CA name");
        return new CertificateIdentity(CertificateRole.ROOT_CA, cn, cn, "", List.of(), List.of());
    }

    public static CertificateIdentity issuingCa(@Nullable String commonName) {
        String cn = IdentityNames.requireDisplayName(commonName, "CA name");
        return new CertificateIdentity(CertificateRole.ISSUING_CA, cn, cn, "", List.of(), List.of());
    }

    public static CertificateIdentity enrolmentCa(@Nullable String commonName) {
        String cn = IdentityNames.requireDisplayName(commonName, "CA name");
        return new CertificateIdentity(CertificateRole.ENROLMENT_CA, cn, cn, "", List.of(), List.of());
    }

    public static CertificateIdentity server(List<String> dnsNames, List<String> ipAddresses) {
        if (dnsNames.isEmpty() && ipAddresses.isEmpty()) {
            throw new CryptoException("a server certificate needs at least one DNS name or IP address");
        }
        dnsNames.forEach(IdentityNames::requireDnsName);
        ipAddresses.forEach(IdentityNames::requireIpAddress);
        String id = dnsNames.isEmpty() ? ipAddresses.get(0) : dnsNames.get(0);
        return new CertificateIdentity(CertificateRole.SERVER, id, id, "", dnsNames, ipAddresses);
    }

    public static CertificateIdentity appliance(String serial) {
        IdentityNames.requireId(serial, "appliance serial");
        return new CertificateIdentity(CertificateRole.APPLIANCE, serial, serial, "", List.of(), List.of());
    }

    public static CertificateIdentity engineer(String login, String fullName, String email) {
        IdentityNames.requireId(login, "engineer login");
        String name = IdentityNames.requireDisplayName(fullName, "engineer name");
        IdentityNames.requireEmail(email);
        return new CertificateIdentity(CertificateRole.ENGINEER, login, name, email, List.of(), List.of());
    }

    /** A program calling the server's API, e.g. the SIEM connector {@code splunk-prod} pulling audit events. */
    public static CertificateIdentity apiClient(String name) {
        IdentityNames.requireId(name, "API client name");
        return new CertificateIdentity(CertificateRole.API_CLIENT, name, name, "", List.of(), List.of());
    }

    /**
     * Reads the identity back from a certificate: the role from its basic constraints, SAN URI and extended key
     * usage, the names from its subject and SAN. A certificate whose fields contradict each other is refused.
     */
    public static CertificateIdentity of(X509Certificate certificate) {
        X509CertificateHolder holder = holder(certificate);
        String cn = commonName(holder.getSubject());
        if (certificate.getBasicConstraints() >= 0) {
            boolean selfIssued = holder.getSubject().equals(holder.getIssuer());
            if (selfIssued) {
                return rootCa(cn);
            }
            return certificate.getExtensionValue(Extension.nameConstraints.getId()) == null
                    ? issuingCa(cn)
                    : enrolmentCa(cn);
        }
        SubjectAltNames san = SubjectAltNames.from(
                GeneralNames.fromExtensions(holder.getExtensions(), Extension.subjectAlternativeName));
        List<String> usages = extendedKeyUsages(certificate);
        CertificateIdentity identity = fromNames(cn, san);
        String needed = identity.role() == CertificateRole.SERVER ? OID_SERVER_AUTH : OID_CLIENT_AUTH;
        if (!usages.contains(needed)) {
            throw new CryptoException("certificate for " + identity.describe() + " lacks the "
                    + (needed.equals(OID_SERVER_AUTH) ? "serverAuth" : "clientAuth") + " extended key usage");
        }
        return identity;
    }

    /** The leaf identity named by a subject common name and SAN, with no role given in advance. */
    static CertificateIdentity fromNames(@Nullable String commonName, SubjectAltNames san) {
        List<SubjectAltNames.Urn> urns = san.secureConnectUrns();
        if (urns.size() > 1) {
            throw new CryptoException("names more than one SecureConnect identity: " + urns);
        }
        if (urns.isEmpty()) {
            if (san.dnsNames().isEmpty() && san.ipAddresses().isEmpty()) {
                throw new CryptoException("carries no SecureConnect identity: no urn:secureconnect: SAN URI"
                        + " and no DNS name or IP address");
            }
            return server(san.dnsNames(), san.ipAddresses());
        }
        SubjectAltNames.Urn urn = urns.get(0);
        if (urn.role() == CertificateRole.APPLIANCE) {
            requireCommonNameIsId(commonName, urn, "an appliance's CN must be its serial");
            return appliance(urn.id());
        }
        if (urn.role() == CertificateRole.API_CLIENT) {
            requireCommonNameIsId(commonName, urn, "an API client's CN must be its name");
            return apiClient(urn.id());
        }
        if (san.emails().isEmpty()) {
            throw new CryptoException("engineer identity " + urn + " has no e-mail address in its SAN");
        }
        return engineer(
                urn.id(),
                commonName == null ? urn.id() : commonName,
                san.emails().get(0));
    }

    private static void requireCommonNameIsId(@Nullable String commonName, SubjectAltNames.Urn urn, String rule) {
        if (commonName != null && !commonName.equals(urn.id())) {
            throw new CryptoException(
                    "subject CN=" + OneLine.quoted(commonName) + " does not match SAN " + urn + ": " + rule);
        }
    }

    /** The {@code urn:secureconnect:…} SAN URI of an appliance, engineer or API client; empty for other roles. */
    public String uri() {
        return role.isNamedByUrn() ? SubjectAltNames.Urn.of(role, id) : "";
    }

    /** A short description for messages and listings, e.g. {@code appliance SN-1234}. */
    public String describe() {
        return switch (role) {
            case ENGINEER -> "engineer " + id + " (" + name + " <" + email + ">)";
            case SERVER -> "server " + String.join(",", allServerNames());
            default -> role.label() + " " + id;
        };
    }

    private List<String> allServerNames() {
        List<String> all = new ArrayList<>(dnsNames);
        all.addAll(ipAddresses);
        return all;
    }

    /** The subject DN, most general first as X.500 orders it: O, OU, CN. */
    X500Name subject(@Nullable String organisation) {
        X500NameBuilder name = new X500NameBuilder(BCStyle.INSTANCE);
        if (organisation != null && !organisation.isBlank()) {
            name.addRDN(BCStyle.O, organisation);
        }
        switch (role) {
            case APPLIANCE -> name.addRDN(BCStyle.OU, APPLIANCES_UNIT);
            case ENGINEER -> name.addRDN(BCStyle.OU, "Support Engineers");
            case SERVER -> name.addRDN(BCStyle.OU, "Support Servers");
            case API_CLIENT -> name.addRDN(BCStyle.OU, "API Clients");
            default -> {
                // CAs carry only O and CN
            }
        }
        name.addRDN(BCStyle.CN, role == CertificateRole.ENGINEER ? this.name : id);
        return name.build();
    }

    /**
     * The subtree every appliance subject of {@code organisation} lies in ({@code O=organisation, OU=Appliances}):
     * the enrolment CA's permitted name constraint.
     */
    static X500Name applianceSubtree(@Nullable String organisation) {
        X500NameBuilder name = new X500NameBuilder(BCStyle.INSTANCE);
        if (organisation != null && !organisation.isBlank()) {
            name.addRDN(BCStyle.O, organisation);
        }
        name.addRDN(BCStyle.OU, APPLIANCES_UNIT);
        return name.build();
    }

    @Nullable
    GeneralNames subjectAltNames() {
        List<GeneralName> names = new ArrayList<>();
        switch (role) {
            case APPLIANCE, API_CLIENT -> names.add(new GeneralName(GeneralName.uniformResourceIdentifier, uri()));
            case ENGINEER -> {
                names.add(new GeneralName(GeneralName.uniformResourceIdentifier, uri()));
                names.add(new GeneralName(GeneralName.rfc822Name, email));
            }
            case SERVER -> {
                dnsNames.forEach(dns -> names.add(new GeneralName(GeneralName.dNSName, dns)));
                ipAddresses.forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, ip)));
            }
            default -> {
                return null;
            }
        }
        return new GeneralNames(names.toArray(GeneralName[]::new));
    }

    static X509CertificateHolder holder(X509Certificate certificate) {
        try {
            return new JcaX509CertificateHolder(certificate);
        } catch (CertificateEncodingException e) {
            throw new CryptoException("certificate cannot be encoded: " + e.getMessage(), e);
        }
    }

    static @Nullable String commonName(X500Name subject) {
        try {
            RDN[] cns = subject.getRDNs(BCStyle.CN);
            if (cns.length == 0) {
                return null;
            }
            ASN1Encodable value = cns[0].getFirst().getValue();
            return value instanceof ASN1String text ? text.getString() : IETFUtils.valueToString(value);
        } catch (RuntimeException e) { // Bouncy Castle's lazy ASN.1: a malformed RDN, a UTF8String that is not UTF-8…
            throw new CryptoException("the subject's common name (CN) cannot be read: " + OneLine.reason(e), e);
        }
    }

    private static List<String> extendedKeyUsages(X509Certificate certificate) {
        try {
            List<String> usages = certificate.getExtendedKeyUsage();
            return usages == null ? List.of() : usages;
        } catch (CertificateParsingException e) {
            throw new CryptoException("certificate's extended key usage cannot be parsed", e);
        }
    }
}
