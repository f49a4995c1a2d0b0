/** Events appended to a rotating JSON-lines file, forced to disk before delivery counts. */
package dev.secureconnect.export.file;
