/** E-mail over SMTP (plain, required STARTTLS, SMTPS) with Angus Mail. */
package dev.secureconnect.export.mail;
