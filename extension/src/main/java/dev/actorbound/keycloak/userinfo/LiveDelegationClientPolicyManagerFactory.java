package dev.actorbound.keycloak.userinfo;

import dev.actorbound.keycloak.core.SupportedKeycloak;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.EnvironmentDependentProviderFactory;
import org.keycloak.services.clientpolicy.ClientPolicyManager;
import org.keycloak.services.clientpolicy.ClientPolicyManagerFactory;
import org.keycloak.services.clientpolicy.DefaultClientPolicyManager;
import org.keycloak.services.clientpolicy.DefaultClientPolicyManagerFactory;

/**
 * Replaces Keycloak's client-policy manager (same id, higher order) by one that wraps it: the manager is the only
 * provider userinfo asks about every request, whatever policies a realm has (or whether the feature is on).
 */
public final class LiveDelegationClientPolicyManagerFactory implements ClientPolicyManagerFactory,
        EnvironmentDependentProviderFactory {

    private static final String KEYCLOAKS_ID = new DefaultClientPolicyManagerFactory().getId();

    @Override
    public ClientPolicyManager create(KeycloakSession session) {
        return new LiveDelegationClientPolicyManager(session, new DefaultClientPolicyManager(session));
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public String getId() {
        return KEYCLOAKS_ID;
    }

    @Override
    public int order() {
        return SupportedKeycloak.order(10);
    }

    @Override
    public void close() {
    }

    /** Off on a Keycloak version this jar does not support: Keycloak's own providers serve instead. */
    @Override
    public boolean isSupported(Config.Scope config) {
        return SupportedKeycloak.running();
    }
}
