/**
 * Support cases opened by Call Home: the alert rules of {@code rules.yaml} ({@link
 * dev.secureconnect.server.cases.RulesFile}, reloaded on change by {@link dev.secureconnect.server.cases.AlertRules})
 * are evaluated ({@link dev.secureconnect.server.cases.Conditions}) on each stored bundle and on each missed
 * heartbeat; a rule that fires opens a case ({@link dev.secureconnect.server.cases.CaseStore}) with the access scope it
 * needs, once per de-duplication key until the key re-arms ({@link dev.secureconnect.server.cases.AlertState}).
 */
package dev.secureconnect.server.cases;
