/**
 * The appliance's half of certificate renewal over the link: when it is due ({@link
 * dev.secureconnect.appliance.renewal.RenewalSchedule}) and its files — the pending key, the renewed certificate kept
 * beside the old one until it has worked, the switch in {@code appliance.json} ({@link
 * dev.secureconnect.appliance.renewal.ApplianceCertificate}). The link's side is {@code link.CertificateUpdates}.
 */
package dev.secureconnect.appliance.renewal;
