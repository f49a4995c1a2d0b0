/** The {@code sc-appliance run} daemon: the link supervisor and the admin socket over one appliance directory. */
package dev.secureconnect.appliance.daemon;
