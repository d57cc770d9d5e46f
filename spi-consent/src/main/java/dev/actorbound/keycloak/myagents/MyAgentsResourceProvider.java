package dev.actorbound.keycloak.myagents;

import dev.actorbound.keycloak.consent.UserAttributeConsentStore;
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
        return new MyAgentsResource(session, new UserAttributeConsentStore(session));
    }

    @Override
    public void close() {
    }
}
