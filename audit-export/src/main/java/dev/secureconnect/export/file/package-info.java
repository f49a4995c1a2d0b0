/**
 * Events appended to a rotating JSON-lines file ({@link dev.secureconnect.export.file.JsonLinesFile}), one
 * {@link dev.secureconnect.export.format.JsonEventFormat} line per event, forced to disk before delivery counts.
 */
package dev.secureconnect.export.file;
