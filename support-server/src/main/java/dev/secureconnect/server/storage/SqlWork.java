package dev.secureconnect.server.storage;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Work done with one JDBC connection, inside {@link Database#inTransaction} or {@link Database#withConnection}.
 *
 * @param <T> what the work returns
 */
@FunctionalInterface
public interface SqlWork<T> {

    T run(Connection connection) throws SQLException;
}
