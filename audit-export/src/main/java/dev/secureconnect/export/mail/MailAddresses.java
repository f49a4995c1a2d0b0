package dev.secureconnect.export.mail;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

/** E-mail addresses checked strictly (RFC 822 syntax, a domain required). */
public final class MailAddresses {

    private MailAddresses() {}

    /**
     * {@code text} as one address.
     *
     * @throws IllegalArgumentException {@code "to: 'bob@' is not an e-mail address (Missing domain)"}
     */
    public static InternetAddress parse(String text, String field) {
        try {
            InternetAddress address = new InternetAddress(text, true);
            if (address.isGroup()) {
                throw new AddressException("a group, not one mailbox");
            }
            if (address.getAddress().indexOf('@') < 1) {
                throw new AddressException("Missing domain");
            }
            return address;
        } catch (AddressException e) {
            throw new IllegalArgumentException(
                    field + ": '" + text + "' is not an e-mail address (" + e.getMessage() + ")", e);
        }
    }
}
