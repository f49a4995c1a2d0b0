/**
 * E-mail over SMTP (plain, required STARTTLS, SMTPS) with Angus Mail: {@link dev.secureconnect.export.mail.SmtpMailer}
 * sends a {@link dev.secureconnect.export.mail.MailMessage} as {@link dev.secureconnect.export.mail.MailSettings}
 * say, trusting a configured CA file through {@link dev.secureconnect.export.ReceiverTrust}.
 */
package dev.secureconnect.export.mail;
