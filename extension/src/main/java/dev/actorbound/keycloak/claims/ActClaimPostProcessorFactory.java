package dev.actorbound.keycloak.claims;

import dev.actorbound.keycloak.core.SupportedKeycloak;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.protocol.oidc.token.TokenPostProcessor;
import org.keycloak.protocol.oidc.token.TokenPostProcessorFactory;
import org.keycloak.provider.EnvironmentDependentProviderFactory;

public final class ActClaimPostProcessorFactory implements TokenPostProcessorFactory,
        EnvironmentDependentProviderFactory {

    public static final String PROVIDER_ID = "actorbound-act-claim";
    @Override
    public TokenPostProcessor create(KeycloakSession session) {
        return new ActClaimPostProcessor(session);
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    /** Last among post-processors, so that nothing after it can touch the actor. */
    @Override
    public int order() {
        return -100;
    }

    /** Off on a Keycloak version this jar does not support: Keycloak's own providers serve instead. */
    @Override
    public boolean isSupported(Config.Scope config) {
        return SupportedKeycloak.running();
    }
}
