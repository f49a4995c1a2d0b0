/** Ticket numbers as the appliance admin types them. */
package dev.secureconnect.appliance.tickets;
