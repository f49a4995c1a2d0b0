/**
 * Source addresses blocked for a while after repeated failures: the record of blocks in the database
 * ({@link dev.secureconnect.server.blocks.BlockStore}, listed and lifted by {@code sc-server blocks}), and the daemon's
 * counting of failures per source and view of the blocks that the listeners check at accept
 * ({@link dev.secureconnect.server.blocks.SourceBlocks}).
 */
package dev.secureconnect.server.blocks;
