/**
 * Call Home: the diagnostic bundle the appliance sends to the support server every few hours and on demand — what it
 * holds ({@link dev.secureconnect.appliance.callhome.BundleCollector}), what is taken out of it before it leaves
 * ({@link dev.secureconnect.appliance.callhome.Redaction}), where it waits while the server is away
 * ({@code Spool}) and how it travels
 * ({@code BundleSender}).
 */
package dev.secureconnect.appliance.callhome;
