package dev.secureconnect.pki;

import dev.secureconnect.pki.ca.PkiException;

/** Validity periods given in days on the command line. */
final class Days {

    private Days() {}

    static int requirePositive(int days, String option) {
        if (days <= 0) {
            throw new PkiException(option + " " + days + " is not valid: give a number of days greater than 0");
        }
        return days;
    }
}
