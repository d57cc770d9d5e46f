package dev.actorbound.keycloak.claims;

import org.keycloak.models.KeycloakSession;
import org.keycloak.protocol.oidc.token.TokenPostProcessor;
import org.keycloak.protocol.oidc.token.TokenPostProcessorFactory;

public final class ActClaimPostProcessorFactory implements TokenPostProcessorFactory {

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
}
