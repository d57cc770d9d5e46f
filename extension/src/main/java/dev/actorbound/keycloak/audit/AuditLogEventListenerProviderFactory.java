package dev.actorbound.keycloak.audit;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.actorbound.keycloak.core.OperationalInfo;
import dev.actorbound.keycloak.core.SupportedKeycloak;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.EnvironmentDependentProviderFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.provider.ServerInfoAwareProviderFactory;

/**
 * The JSON audit trail of delegations (PROTOCOL §6), for log shippers. Global, so that it covers every realm without
 * per-realm setup, and independent of whether a realm stores events: Keycloak hands events to listeners either way.
 * Option: {@code --spi-events-listener--actorbound-audit--include-ip-address} (default {@code true}).
 */
public final class AuditLogEventListenerProviderFactory implements EventListenerProviderFactory, ServerInfoAwareProviderFactory,
        EnvironmentDependentProviderFactory {

    public static final String PROVIDER_ID = "actorbound-audit";
    /** The JBoss Logging category of the audit lines, at INFO. */
    public static final String CATEGORY = "actorbound.audit";
    static final String INCLUDE_IP_ADDRESS = "include-ip-address";

    private boolean includeIpAddress = true;

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new AuditLogEventListenerProvider(session, includeIpAddress);
    }

    @Override
    public void init(Config.Scope config) {
        includeIpAddress = config.getBoolean(INCLUDE_IP_ADDRESS, true);
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public boolean isGlobal() {
        return true;
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property().name(INCLUDE_IP_ADDRESS).type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue(true)
                .label("Include IP address")
                .helpText("Whether each audit line names the IP address the request came from.")
                .add().build();
    }

    /** {@code log-enabled} is false when the category's level is above INFO: then no line is written. */
    @Override
    public Map<String, String> getOperationalInfo() {
        return OperationalInfo.of(new TreeMap<>(Map.of(
                "log-category", CATEGORY,
                "log-enabled", Boolean.toString(Logger.getLogger(CATEGORY).isInfoEnabled()),
                INCLUDE_IP_ADDRESS, Boolean.toString(includeIpAddress))));
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
