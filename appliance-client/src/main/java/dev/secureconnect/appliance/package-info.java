/** SecureConnect appliance-client. */
package dev.secureconnect.appliance;
