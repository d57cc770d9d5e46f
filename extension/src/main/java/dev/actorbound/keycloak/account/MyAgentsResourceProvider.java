package dev.actorbound.keycloak.account;

import dev.actorbound.keycloak.core.ConsentStore;
import org.keycloak.models.KeycloakSession;
import org.keycloak.services.resource.RealmResourceProvider;

/** Serves {@code /realms/<realm>/actorbound/...}; one per request. */
final class MyAgentsResourceProvider implements RealmResourceProvider {

    private final KeycloakSession session;

    MyAgentsResourceProvider(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public Object getResource() {
        return new MyAgentsResource(session, ConsentStore.of(session));
    }

    @Override
    public void close() {
    }
}
