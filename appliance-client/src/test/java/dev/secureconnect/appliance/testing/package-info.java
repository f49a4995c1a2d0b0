/**
 * Test fixtures of the appliance client: the CLI run in-process ({@link dev.secureconnect.appliance.testing.ApplianceCli}),
 * certificate files from the test PKI ({@link dev.secureconnect.testing.PkiFiles}), a minimal support server
 * built from tunnel-protocol ({@link dev.secureconnect.appliance.testing.TestServer}), loopback services
 * ({@link dev.secureconnect.appliance.testing.LoopbackService}) and bounded waits
 * ({@link dev.secureconnect.testing.Eventually}).
 */
package dev.secureconnect.appliance.testing;
