/**
 * What the modules' tests share: waiting for a condition with a bound ({@link dev.secureconnect.testing.Eventually}),
 * certificate files as {@code sc-pki issue} writes them ({@link dev.secureconnect.testing.PkiFiles}), and a snapshot
 * of a directory to show that a refused command changed nothing ({@link dev.secureconnect.testing.DirectorySnapshot}).
 * Used with test scope only.
 */
package dev.secureconnect.testing;
