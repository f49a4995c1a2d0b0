/**
 * Who may open a session on this appliance: the pinned token-verification keys
 * ({@link dev.secureconnect.appliance.access.TokenKeys}), the revocations the server pushes
 * ({@link dev.secureconnect.appliance.access.Revocations}) and the check every session request passes before
 * anything is dialled, run or opened ({@link dev.secureconnect.appliance.access.SessionAuthorizer}).
 */
package dev.secureconnect.appliance.access;
