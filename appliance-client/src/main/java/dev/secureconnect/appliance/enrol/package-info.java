/**
 * {@code sc-appliance enrol}: the appliance's half of enrolment by one-time code — a key pair made here, the server
 * pinned by the root fingerprint in the code, a certificate request sent, the answer written as a directory ready
 * for {@code sc-appliance run}.
 */
package dev.secureconnect.appliance.enrol;
