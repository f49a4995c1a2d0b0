/**
 * Appliance enrolment: the enrolment CA the server holds online ({@link dev.secureconnect.server.enrolment.EnrolmentCa})
 * and the one-time codes the operator gives appliances to enrol with.
 */
package dev.secureconnect.server.enrolment;
