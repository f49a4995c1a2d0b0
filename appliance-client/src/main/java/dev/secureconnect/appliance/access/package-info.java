/**
 * Who may open a session on this appliance: the pinned token-verification keys
 * ({@link dev.secureconnect.appliance.access.TokenKeys}), the revocations the server pushes
 * ({@link dev.secureconnect.appliance.access.Revocations}), the check every session request passes before
 * anything is dialled, run or opened ({@link dev.secureconnect.appliance.access.SessionAuthorizer}), and the one
 * verdict every step of the session authorisation answers with
 * ({@link dev.secureconnect.appliance.access.AccessVerdict}; the pipeline is {@code link.SessionRequests}).
 */
package dev.secureconnect.appliance.access;
