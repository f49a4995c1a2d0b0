/**
 * Test support for the storage tests: {@link dev.secureconnect.server.storage.testing.StorageTest} runs a test on a
 * fresh SQLite file and on a fresh PostgreSQL database (embedded, started once per test class); test-fixtures'
 * {@link dev.secureconnect.testing.MutableClock} lets a test move time.
 */
package dev.secureconnect.server.storage.testing;
