/**
 * The message formats exported events are written in: RFC 5424 syslog with structured data
 * ({@link dev.secureconnect.export.format.Rfc5424Format}), ArcSight CEF ({@link dev.secureconnect.export.format.CefFormat}),
 * IBM QRadar LEEF 2.0 ({@link dev.secureconnect.export.format.LeefFormat}) and one-line JSON
 * ({@link dev.secureconnect.export.format.JsonEventFormat}, also the form of webhook bodies and JSON-lines files); {@link dev.secureconnect.export.format.MessageFormat}
 * names them in settings. Every function here is pure: the same event and origin give the same single line.
 */
package dev.secureconnect.export.format;
