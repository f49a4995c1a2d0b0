/** What the appliance's and the engineer's command lines print alike: aligned text tables and one-line text. */
package dev.secureconnect.cli;
