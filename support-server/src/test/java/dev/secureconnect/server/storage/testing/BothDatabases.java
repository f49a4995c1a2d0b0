package dev.secureconnect.server.storage.testing;

import dev.secureconnect.server.storage.Dialect;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;

/**
 * Runs each {@link StorageTest} once on SQLite and once on PostgreSQL, resolving a {@link TestDatabase} parameter.
 * The PostgreSQL server is started once per test class (kept in the class's store, stopped after the class).
 */
final class BothDatabases implements TestTemplateInvocationContextProvider {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(BothDatabases.class);

    @Override
    public boolean supportsTestTemplate(ExtensionContext context) {
        return true;
    }

    @Override
    public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
        return Stream.of(Dialect.SQLITE, Dialect.POSTGRESQL).map(Run::new);
    }

    private record Run(Dialect dialect) implements TestTemplateInvocationContext {

        @Override
        public String getDisplayName(int invocationIndex) {
            return dialect.name().toLowerCase(Locale.ROOT);
        }

        @Override
        public List<Extension> getAdditionalExtensions() {
            return List.of(new Resolver(dialect));
        }
    }

    private record Resolver(Dialect dialect) implements ParameterResolver {

        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == TestDatabase.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return context.getStore(NAMESPACE)
                    .getOrComputeIfAbsent(TestDatabase.class, key -> create(context), TestDatabase.class);
        }

        private TestDatabase create(ExtensionContext context) {
            if (dialect == Dialect.SQLITE) {
                return TestDatabase.sqlite();
            }
            ExtensionContext classContext = context;
            while (classContext.getTestMethod().isPresent()
                    && classContext.getParent().isPresent()) {
                classContext = classContext.getParent().get();
            }
            ServerOrFailure server = classContext
                    .getStore(NAMESPACE)
                    .getOrComputeIfAbsent(ServerOrFailure.class, key -> ServerOrFailure.start(), ServerOrFailure.class);
            return TestDatabase.postgresql(server.get());
        }
    }

    /** The class's server, or why it did not start: every PostgreSQL run of the class then fails with that reason. */
    private static final class ServerOrFailure implements ExtensionContext.Store.CloseableResource {
        private final PostgresServer server;
        private final IllegalStateException failure;

        private ServerOrFailure(PostgresServer server, IllegalStateException failure) {
            this.server = server;
            this.failure = failure;
        }

        static ServerOrFailure start() {
            try {
                return new ServerOrFailure(PostgresServer.start(), null);
            } catch (IllegalStateException e) {
                return new ServerOrFailure(null, e);
            }
        }

        PostgresServer get() {
            if (failure != null) {
                throw new IllegalStateException(failure.getMessage(), failure);
            }
            return server;
        }

        @Override
        public void close() throws Throwable {
            if (server != null) {
                server.close();
            }
        }
    }
}
