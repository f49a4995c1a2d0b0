-- Refuse UPDATE and DELETE on the audit log: a mistake in server code cannot rewrite history. (Someone with write
-- access to the file can drop these triggers; `sc-server audit verify` is what detects that kind of tampering.)
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
