/** Internal helpers of {@code sc-engineer}: may change at any time. */
package dev.secureconnect.engineer.internal;
