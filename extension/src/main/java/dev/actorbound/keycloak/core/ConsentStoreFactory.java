package dev.actorbound.keycloak.core;

import org.keycloak.provider.ProviderFactory;

/** A factory of {@link ConsentStore}s; the one with the highest {@code order()} is the default. */
public interface ConsentStoreFactory extends ProviderFactory<ConsentStore> {
}
