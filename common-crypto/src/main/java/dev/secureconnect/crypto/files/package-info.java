/**
 * Files written so that a crash or power loss leaves the old content or the new, never half of one:
 * {@link dev.secureconnect.crypto.files.DurableFiles}.
 */
package dev.secureconnect.crypto.files;
