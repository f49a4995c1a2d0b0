package dev.secureconnect.export.mail;

/** How the connection to the SMTP server is protected. */
public enum MailSecurity {
    /** No TLS (port 25 or 587 on a trusted network only: the login and the mail travel in clear). */
    NONE,
    /** Plain connection upgraded with STARTTLS (port 587); required: a server that does not offer it is refused. */
    STARTTLS,
    /** TLS from the first byte (port 465). */
    SMTPS
}
