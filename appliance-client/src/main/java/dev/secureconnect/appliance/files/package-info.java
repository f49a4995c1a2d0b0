/**
 * The folders support may read from or write to ({@code DIR/folders.json}), and how a requested path is decided:
 * absolute, no {@code ..}, its real path (symbolic links resolved) inside an allowed folder.
 */
package dev.secureconnect.appliance.files;
