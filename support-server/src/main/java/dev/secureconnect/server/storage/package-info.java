/**
 * The support server's database: a HikariCP pool over SQLite (one file, the default) or PostgreSQL (production and
 * clusters), with the schema kept by Flyway migrations. Feature packages ({@code audit}, {@code tickets},
 * {@code appliances}) run their SQL through {@link dev.secureconnect.server.storage.Database}.
 */
package dev.secureconnect.server.storage;
