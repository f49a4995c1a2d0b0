/**
 * The appliance admin's web console: an HTTPS page served by the daemon ({@code 127.0.0.1:8765} by default) that
 * calls the same admin API as the CLI ({@link dev.secureconnect.appliance.admin.AdminServer.Handler}), so every action
 * leaves the same audit record. {@link ConsoleServer} binds it, {@link ConsoleInitializer} builds the pipeline,
 * {@link ConsoleHandler} hands each request to {@link ConsoleApi} (sign-in, CSRF, routes) or {@link Assets} (the page,
 * from the jar only). Accounts are {@link ConsoleUsers} (scrypt), sign-in state {@link SignIns}.
 */
package dev.secureconnect.appliance.console;
