/** Session reports: one support session's who, where, when and every action, rendered from Handlebars templates. */
package dev.secureconnect.reports;
