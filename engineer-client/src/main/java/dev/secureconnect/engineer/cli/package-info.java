/**
 * The picocli commands of {@code sc-engineer}: {@code login}, {@code logout}, {@code appliances}, {@code sessions},
 * {@code access}, {@code forward}, {@code proxy}, {@code exec}, {@code get} and {@code put}. Exit codes: 0 done, 1
 * refused or failed (one line on standard error), 2 usage; {@code exec} exits with the command's status, or 255 when
 * the command could not be run.
 */
package dev.secureconnect.engineer.cli;
