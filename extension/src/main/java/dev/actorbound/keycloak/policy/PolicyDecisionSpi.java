package dev.actorbound.keycloak.policy;

import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/**
 * The SPI of policy decisions. An SPI of its own gives the decision cache and the discovered endpoints one home per
 * server, and its options a name: {@code --spi-actorbound-policy--authzen--<option>}.
 */
public final class PolicyDecisionSpi implements Spi {

    public static final String NAME = "actorbound-policy";

    @Override
    public boolean isInternal() {
        return false;
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public Class<? extends Provider> getProviderClass() {
        return PolicyDecisionProvider.class;
    }

    @Override
    public Class<? extends ProviderFactory> getProviderFactoryClass() {
        return PolicyDecisionProviderFactory.class;
    }
}
