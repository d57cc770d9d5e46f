package dev.actorbound.keycloak.consent;

import java.util.List;

import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;

/** Adds the agent consent table to Keycloak's persistence unit and its changelog to Keycloak's database update. */
final class ConsentEntityProvider implements JpaEntityProvider {

    static final String CHANGELOG = "META-INF/actorbound-consent-changelog.xml";

    @Override
    public List<Class<?>> getEntities() {
        return List.of(AgentConsentEntity.class);
    }

    @Override
    public String getChangelogLocation() {
        return CHANGELOG;
    }

    @Override
    public String getFactoryId() {
        return ConsentEntityProviderFactory.PROVIDER_ID;
    }

    @Override
    public void close() {
    }
}
