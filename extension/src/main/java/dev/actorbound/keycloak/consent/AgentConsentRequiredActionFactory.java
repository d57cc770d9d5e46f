package dev.actorbound.keycloak.consent;

import dev.actorbound.keycloak.core.ActorboundOptions;
import dev.actorbound.keycloak.core.SupportedKeycloak;

import dev.actorbound.keycloak.core.RealmSetup;
import dev.actorbound.keycloak.core.ConsentStep;
import dev.actorbound.keycloak.core.ConsentStore;
import dev.actorbound.keycloak.core.OptionsProviderFactory;
import org.keycloak.Config;
import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RequiredActionProviderModel;
import org.keycloak.provider.EnvironmentDependentProviderFactory;

/**
 * The consent step. It reads the server-wide options (chain depth) from their own factory; at start-up and for
 * each new realm it registers itself as a required action (see {@link #prepare}).
 */
public final class AgentConsentRequiredActionFactory implements RequiredActionFactory,
        EnvironmentDependentProviderFactory {

    public static final String PROVIDER_ID = ConsentStep.ID;
    static final String DISPLAY_TEXT = "Consent to an AI agent";

    private ActorboundOptions options = ActorboundOptions.DEFAULTS;

    @Override
    public RequiredActionProvider create(KeycloakSession session) {
        return new AgentConsentRequiredAction(ConsentStore.of(session), options);
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        options = OptionsProviderFactory.of(factory);
        RealmSetup.forEveryRealm(factory, (session, realm) -> prepare(realm));
    }

    /**
     * The {@code ai-agent} role, and this step as a required action. Never re-enables a consent step an admin
     * disabled: with it disabled, delegated requests are refused instead.
     */
    private static void prepare(RealmModel realm) {
        RealmSetup.ensureAgentRole(realm);
        if (realm.getRequiredActionProviderByAlias(PROVIDER_ID) == null) {
            RequiredActionProviderModel action = new RequiredActionProviderModel();
            action.setAlias(PROVIDER_ID);
            action.setProviderId(PROVIDER_ID);
            action.setName(DISPLAY_TEXT);
            action.setEnabled(true);
            action.setDefaultAction(false);
            // Last in line: consent to an agent is the final step before the code is issued.
            action.setPriority(1000);
            realm.addRequiredActionProvider(action);
        }
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

    /** Off on a Keycloak version this jar does not support: Keycloak's own providers serve instead. */
    @Override
    public boolean isSupported(Config.Scope config) {
        return SupportedKeycloak.running();
    }
}
