package dev.secureconnect.crypto.pki;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.keys.RsaKeySize;
import dev.secureconnect.crypto.text.OneLine;
import java.io.IOException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.jspecify.annotations.Nullable;

/**
 * A PKCS#10 certificate signing request: made on the machine that keeps the key, signed by the CA after
 * {@link #identityFor(CertificateRole)} has checked its signature and the identity it asks for.
 */
public final class CertificateSigningRequest {

    private final PKCS10CertificationRequest request;

    public CertificateSigningRequest(PKCS10CertificationRequest request) {
        this.request = requireNonNull(request, "request");
    }

    /** Creates a request for {@code identity}, signed with the private key of {@code keys}. */
    public static CertificateSigningRequest create(CertificateIdentity identity, KeyPair keys) {
        if (identity.role().isAuthority()) {
            throw new CryptoException("CA certificates are made by 'sc-pki init', not from a request");
        }
        try {
            JcaPKCS10CertificationRequestBuilder builder =
                    new JcaPKCS10CertificationRequestBuilder(identity.subject(null), keys.getPublic());
            ExtensionsGenerator extensions = new ExtensionsGenerator();
            extensions.addExtension(Extension.subjectAlternativeName, false, identity.subjectAltNames());
            builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
            return new CertificateSigningRequest(builder.build(
                    new JcaContentSignerBuilder(SoftwareKeySigner.SIGNATURE_ALGORITHM).build(keys.getPrivate())));
        } catch (IOException | OperatorCreationException e) {
            throw new CryptoException("cannot create a signing request for " + identity.describe(), e);
        }
    }

    public PKCS10CertificationRequest request() {
        return request;
    }

    public PublicKey publicKey() {
        try {
            return new JcaPKCS10CertificationRequest(request).getPublicKey();
        } catch (java.security.GeneralSecurityException e) {
            throw new CryptoException("the CSR's public key cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Verifies the request's self-signature and key, then reads the identity it asks for, which must be of
     * {@code role}: the SAN URI {@code urn:secureconnect:<role>:<id>} for appliances, engineers and API clients (an
     * appliance's or API client's CN, when present, equal to its id; with only a CN, the CN is the id), DNS names and
     * IP addresses for servers.
     */
    public CertificateIdentity identityFor(CertificateRole role) {
        requireNonNull(role, "role");
        if (role.isAuthority()) {
            throw new CryptoException(
                    "a CSR cannot be signed as a " + role.label() + ": use server, appliance, engineer or api-client");
        }
        verifySignature();
        RsaKeySize.requireAcceptable(publicKey(), "the CSR's key");
        String cn = CertificateIdentity.commonName(request.getSubject());
        SubjectAltNames san = SubjectAltNames.from(requestedAltNames());
        if (role == CertificateRole.SERVER
                && san.dnsNames().isEmpty()
                && san.ipAddresses().isEmpty()
                && cn != null) {
            san = new SubjectAltNames(List.of(cn), List.of(), san.uris(), san.emails());
        }
        boolean namedByCn = role == CertificateRole.APPLIANCE || role == CertificateRole.API_CLIENT;
        if (namedByCn
                && san.secureConnectUrns().isEmpty()
                && cn != null
                && san.dnsNames().isEmpty()
                && san.ipAddresses().isEmpty()) {
            String field = role == CertificateRole.APPLIANCE ? "appliance serial (CSR CN)" : "API client name (CSR CN)";
            List<String> uris = new ArrayList<>(san.uris());
            uris.add(SubjectAltNames.Urn.of(role, IdentityNames.requireId(cn, field)));
            san = new SubjectAltNames(List.of(), List.of(), uris, List.of());
        }
        if (role == CertificateRole.ENGINEER && san.emails().isEmpty()) {
            String email = subjectEmail();
            if (email != null) {
                san = new SubjectAltNames(san.dnsNames(), san.ipAddresses(), san.uris(), List.of(email));
            }
        }
        CertificateIdentity identity;
        try {
            identity = CertificateIdentity.fromNames(cn, san);
        } catch (CryptoException e) {
            throw new CryptoException("CSR " + e.getMessage(), e);
        }
        if (identity.role() != role) {
            throw new CryptoException(
                    "the CSR asks for a " + identity.describe() + " certificate, not a " + role.label()
                            + " one: sign it with --role " + identity.role().label() + " if that is intended");
        }
        if (role == CertificateRole.SERVER && !san.secureConnectUrns().isEmpty()) {
            throw new CryptoException("the CSR names " + san.secureConnectUrns().get(0) + " and cannot be a server");
        }
        return identity;
    }

    private void verifySignature() {
        boolean valid;
        try {
            valid = request.isSignatureValid(
                    new JcaContentVerifierProviderBuilder().build(request.getSubjectPublicKeyInfo()));
        } catch (OperatorCreationException | PKCSException | RuntimeException e) {
            throw new CryptoException("the CSR's signature cannot be checked: " + e.getMessage(), e);
        }
        if (!valid) {
            throw new CryptoException("the CSR's signature is not valid: it was altered or not signed by its own key");
        }
    }

    private @Nullable GeneralNames requestedAltNames() {
        for (Attribute attribute : request.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
            GeneralNames names;
            try {
                Extensions extensions =
                        Extensions.getInstance(attribute.getAttrValues().getObjectAt(0));
                names = GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName);
            } catch (RuntimeException e) { // Bouncy Castle's ASN.1 parsing: IllegalArgumentException and kin
                throw new CryptoException("the CSR's requested extensions cannot be read: " + OneLine.reason(e), e);
            }
            if (names != null) {
                return names;
            }
        }
        return null;
    }

    private @Nullable String subjectEmail() {
        try {
            RDN[] emails = request.getSubject().getRDNs(BCStyle.EmailAddress);
            return emails.length == 0 ? null : emails[0].getFirst().getValue().toString();
        } catch (RuntimeException e) { // Bouncy Castle's lazy ASN.1: a malformed RDN, a UTF8String that is not UTF-8…
            throw new CryptoException("the CSR's e-mail address cannot be read: " + OneLine.reason(e), e);
        }
    }
}
