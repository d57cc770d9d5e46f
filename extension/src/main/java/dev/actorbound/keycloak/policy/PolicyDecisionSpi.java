package dev.actorbound.keycloak.policy;

import dev.actorbound.keycloak.core.OwnSpi;

/**
 * The SPI of policy decisions. An SPI of its own gives the decision cache and the discovered endpoints one home per
 * server, and its options a name: {@code --spi-actorbound-policy--authzen--<option>}.
 */
public final class PolicyDecisionSpi extends OwnSpi {

    public static final String NAME = "actorbound-policy";

    public PolicyDecisionSpi() {
        super(NAME, PolicyDecisionProvider.class, PolicyDecisionProviderFactory.class);
    }
}
