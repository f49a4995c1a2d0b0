/**
 * The appliance's command catalogue ({@code DIR/commands.json}): the only programs support may run, each a fixed
 * argv (no shell) with a timeout and an output cap, and the rules for the arguments an engineer may add.
 */
package dev.secureconnect.appliance.exec;
