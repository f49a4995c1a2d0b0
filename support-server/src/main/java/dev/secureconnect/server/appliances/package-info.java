/**
 * Appliance link status: which appliances are linked to which server node, since when, from where, with which
 * tickets and services. The daemon holding a link keeps its row up to date; {@code sc-server appliances} reads it.
 */
package dev.secureconnect.server.appliances;
