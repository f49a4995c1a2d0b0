/**
 * Several {@code sc-server} nodes on one database: the node table with each node's heartbeat
 * ({@link dev.secureconnect.server.cluster.ClusterNodes}) and the appliances' link leases
 * ({@link dev.secureconnect.server.cluster.LinkLeases}). Every time they compare is the database's clock, so a node
 * whose own clock is skewed neither expires another's lease early nor keeps its own alive late.
 */
package dev.secureconnect.server.cluster;
