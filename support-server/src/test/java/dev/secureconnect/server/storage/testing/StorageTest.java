package dev.secureconnect.server.storage.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test that runs twice: on a fresh SQLite file in a temporary directory, and on a fresh database of an embedded
 * PostgreSQL server (one server per test class). Declare a {@link TestDatabase} parameter to get it.
 *
 * <p>PostgreSQL refuses to run as root; when the tests run as root its programs run as {@code nobody} (see
 * {@code PostgresBinaries}). If the server cannot start, the PostgreSQL runs fail with the reason: they are never
 * skipped.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@TestTemplate
@ExtendWith(BothDatabases.class)
public @interface StorageTest {}
