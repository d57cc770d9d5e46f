package dev.actorbound.keycloak.consent;

import java.util.Map;

import dev.actorbound.keycloak.agent.RealmSetup;
import dev.actorbound.keycloak.info.OperationalInfo;
import org.keycloak.Config;
import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ServerInfoAwareProviderFactory;

/**
 * The consent step, and the home of the server-wide delegation options
 * ({@code --spi-required-action--actorbound-agent-consent--<option>}) that the token side reads too.
 * The options are not declared in {@code getConfigMetadata()}: for a required action that list is the per-realm
 * configuration form of the admin console, and these options are server-wide. Server info shows their values.
 */
public final class AgentConsentRequiredActionFactory implements RequiredActionFactory, ServerInfoAwareProviderFactory {

    public static final String PROVIDER_ID = "actorbound-agent-consent";
    static final String DISPLAY_TEXT = "Consent to an AI agent";

    private ActorboundOptions options = ActorboundOptions.DEFAULTS;

    @Override
    public RequiredActionProvider create(KeycloakSession session) {
        return new AgentConsentRequiredAction(new UserAttributeConsentStore(session), options);
    }

    @Override
    public void init(Config.Scope config) {
        options = ActorboundOptions.from(config);
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        RealmSetup setup = new RealmSetup(PROVIDER_ID, DISPLAY_TEXT);
        factory.register(setup::onEvent);
    }

    /** The server-wide options, for the token-side factories (read in their postInit). */
    public static ActorboundOptions options(KeycloakSessionFactory factory) {
        return factory.getProviderFactory(RequiredActionProvider.class, PROVIDER_ID)
                instanceof AgentConsentRequiredActionFactory consent ? consent.options : ActorboundOptions.DEFAULTS;
    }

    @Override
    public Map<String, String> getOperationalInfo() {
        return OperationalInfo.of(options.asMap());
    }

    @Override
    public String getDisplayText() {
        return DISPLAY_TEXT;
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
