package dev.actorbound.it;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects fresh realms: every {@link TestRealm} parameter (of a {@code @BeforeAll} method, a test method, a
 * constructor) is a new realm on the shared Keycloak, deleted when the scope that asked for it ends — the test class
 * for {@code @BeforeAll}, the test for a test method. A method with three {@code TestRealm} parameters gets three
 * realms. Use {@link WithRealms} on the class.
 */
public final class FreshRealm implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(FreshRealm.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TestRealm.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        KeycloakServer server = new KeycloakServer();
        server.beforeAll(context);
        TestRealm realm = TestRealm.create(server);
        context.getStore(NAMESPACE).put(realm.name(), new Deletion(realm));
        return realm;
    }

    /** Closed by JUnit with the store of the scope that asked for the realm. */
    private record Deletion(TestRealm realm) implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            realm.close();
        }
    }
}
