/**
 * Session reports: one support session's who, where, when and every action, rendered from Handlebars templates.
 * A log (the server's or the appliance's) maps its records onto {@link dev.secureconnect.reports.SessionEntry};
 * {@link dev.secureconnect.reports.SessionReport#of} picks those of one session and
 * {@link dev.secureconnect.reports.ReportRenderer} renders it as text or HTML, from the shipped templates or a folder
 * of overrides.
 */
package dev.secureconnect.reports;
