/** Internal helpers of the appliance client (files, locks, JSON); may change at any time, do not use elsewhere. */
package dev.secureconnect.appliance.internal;
