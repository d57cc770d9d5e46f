package dev.actorbound.keycloak.policy;

import org.keycloak.provider.ProviderFactory;

/** Factories of {@link PolicyDecisionProvider}s, the SPI {@value PolicyDecisionSpi#NAME}. */
public interface PolicyDecisionProviderFactory extends ProviderFactory<PolicyDecisionProvider> {
}
