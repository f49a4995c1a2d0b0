package dev.secureconnect.server.audit;

import java.sql.SQLException;

/**
 * Database work that must commit together with the audit records it appends, run by
 * {@link ServerAuditLog#inTransaction}.
 *
 * @param <T> what the work returns
 */
@FunctionalInterface
public interface AuditedWork<T> {

    T run(AuditTransaction transaction) throws SQLException;
}
