/**
 * Appliance enrolment, as both ends see it: the one-time code the operator hands to the appliance
 * ({@link dev.secureconnect.tunnel.enrolment.EnrolmentCode}), which carries the root CA's fingerprint the appliance pins.
 */
package dev.secureconnect.tunnel.enrolment;
