package dev.actorbound.keycloak.policy;

import dev.actorbound.keycloak.core.ExpiringCache;
import java.util.List;
import java.util.Map;

import dev.actorbound.keycloak.core.OperationalInfo;
import dev.actorbound.keycloak.core.SupportedKeycloak;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.EnvironmentDependentProviderFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.provider.ServerInfoAwareProviderFactory;

/**
 * Policy decisions over OpenID AuthZEN 1.0. Each realm names its PDP in realm attributes ({@link PdpSettings}); this
 * factory holds what is shared by all realms on this server: the decision cache (used only by realms that give it
 * a TTL) and the endpoints read from PDP metadata. Option: {@code --spi-actorbound-policy--authzen--cache-max-entries}
 * (default {@value #DEFAULT_CACHE_MAX_ENTRIES}).
 */
public final class AuthZenPolicyProviderFactory implements PolicyDecisionProviderFactory, ServerInfoAwareProviderFactory,
        EnvironmentDependentProviderFactory {

    public static final String PROVIDER_ID = "authzen";
    static final String CACHE_MAX_ENTRIES = "cache-max-entries";
    static final int DEFAULT_CACHE_MAX_ENTRIES = 10_000;
    /** A handful of PDPs per server at most; the bound only guards against misuse. */
    private static final int MAX_ENDPOINTS = 1_000;

    private int cacheMaxEntries = DEFAULT_CACHE_MAX_ENTRIES;
    private ExpiringCache<AuthZenAnswer> answers;
    private final ExpiringCache<String> endpoints = new ExpiringCache<>(MAX_ENDPOINTS, System::currentTimeMillis);

    @Override
    public PolicyDecisionProvider create(KeycloakSession session) {
        return new AuthZenPolicyProvider(session, answers, endpoints);
    }

    @Override
    public void init(Config.Scope config) {
        cacheMaxEntries = Math.max(0, config.getInt(CACHE_MAX_ENTRIES, DEFAULT_CACHE_MAX_ENTRIES));
        answers = new ExpiringCache<>(cacheMaxEntries, System::currentTimeMillis);
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property().name(CACHE_MAX_ENTRIES).type(ProviderConfigProperty.INTEGER_TYPE)
                .defaultValue(DEFAULT_CACHE_MAX_ENTRIES).label("Decision cache size")
                .helpText("How many PDP answers this server keeps for realms that turn the decision cache on"
                        + " (realm attribute actorbound.pdp.cache-ttl-seconds). 0 keeps none.")
                .add().build();
    }

    @Override
    public Map<String, String> getOperationalInfo() {
        return OperationalInfo.of(Map.of(CACHE_MAX_ENTRIES, Integer.toString(cacheMaxEntries),
                "cached-decisions", Integer.toString(answers == null ? 0 : answers.size())));
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    /** Off on a Keycloak version this jar does not support: Keycloak's own providers serve instead. */
    @Override
    public boolean isSupported(Config.Scope config) {
        return SupportedKeycloak.running();
    }
}
