/**
 * Support tickets: the random 8-digit numbers an operator opens and an appliance admin quotes to let support in,
 * and the check the appliance link runs on the number an appliance quotes.
 */
package dev.secureconnect.server.tickets;
