/**
 * Files written so that a crash or power loss leaves the old content or the new, never half of one:
 * {@link dev.secureconnect.crypto.files.DurableFiles}; and the bounded, fsynced file of lines that wait for an audit log
 * that cannot be written, {@link dev.secureconnect.crypto.files.SpillFile}.
 */
package dev.secureconnect.crypto.files;
