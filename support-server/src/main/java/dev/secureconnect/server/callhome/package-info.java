/**
 * Call Home intake: the diagnostic bundles appliances post on the appliance listener (ALPN
 * {@code secureconnect-callhome/1}, see {@code tunnel.callhome.CallHomeProtocol}) — checked
 * ({@link dev.secureconnect.server.callhome.BundleParser}), stored as a row and a compressed file
 * ({@link dev.secureconnect.server.callhome.BundleStore}), audited ({@code callhome.received},
 * {@code callhome.refused}) and watched for appliances that stop sending ({@code callhome.missed}).
 */
package dev.secureconnect.server.callhome;
