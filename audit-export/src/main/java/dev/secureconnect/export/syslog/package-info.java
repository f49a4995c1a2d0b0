/**
 * Syslog destinations: RFC 5424 messages in any {@link dev.secureconnect.export.format.MessageFormat} over UDP
 * (RFC 5426), TCP with octet-counting framing (RFC 6587) and TLS (RFC 5425), built from
 * {@link dev.secureconnect.export.syslog.SyslogSettings} by {@link dev.secureconnect.export.syslog.SyslogDestination}.
 */
package dev.secureconnect.export.syslog;
