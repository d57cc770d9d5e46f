package dev.actorbound.keycloak.admin;

import java.util.List;

import dev.actorbound.keycloak.core.StorableText;
import dev.actorbound.keycloak.core.SupportedKeycloak;
import org.keycloak.Config;
import org.keycloak.component.ComponentModel;
import org.keycloak.component.ComponentValidationException;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.EnvironmentDependentProviderFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.services.ui.extend.UiPageProviderFactory;

/**
 * The admin console's "Agents" page (experimental {@code declarative-ui} feature): one component per agent. A
 * {@code UiTabProvider} would hold one component per realm, too few for per-agent settings. Saving an entry writes
 * the agent's client attributes; deleting it removes them. Both need the right to edit the agent client.
 */
public final class AgentsPageProviderFactory implements UiPageProviderFactory<ComponentModel>,
        EnvironmentDependentProviderFactory {

    /** Also the message key of the page's name: the console labels the page with its translated provider id. */
    public static final String PROVIDER_ID = "actorbound-agents";

    private static final List<ProviderConfigProperty> FIELDS = ProviderConfigurationBuilder.create()
            .property().name(AgentEntry.AGENT).label(Messages.AGENT).helpText(Messages.help(Messages.AGENT))
            .type(ProviderConfigProperty.STRING_TYPE).required(true).add()
            .property().name(AgentEntry.ALLOWED_CLIENTS).label(Messages.ALLOWED_CLIENTS)
            .helpText(Messages.help(Messages.ALLOWED_CLIENTS)).type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE).add()
            .property().name(AgentEntry.DELEGATES).label(Messages.DELEGATES)
            .helpText(Messages.help(Messages.DELEGATES)).type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE).add()
            .property().name(AgentEntry.MAX_CHAIN_DEPTH).label(Messages.MAX_CHAIN_DEPTH)
            .helpText(Messages.help(Messages.MAX_CHAIN_DEPTH)).type(ProviderConfigProperty.INTEGER_TYPE).add()
            .property().name(AgentEntry.TOKEN_LIFESPAN).label(Messages.TOKEN_LIFESPAN)
            .helpText(Messages.help(Messages.TOKEN_LIFESPAN)).type(ProviderConfigProperty.INTEGER_TYPE).add()
            .property().name(AgentEntry.REFRESH_ALLOWED).label(Messages.REFRESH_ALLOWED)
            .helpText(Messages.help(Messages.REFRESH_ALLOWED)).type(ProviderConfigProperty.BOOLEAN_TYPE)
            .defaultValue(false).add()
            .build();

    @Override
    public void validateConfiguration(KeycloakSession session, RealmModel realm, ComponentModel model)
            throws ComponentValidationException {
        StorableText.requireStorable(model, FIELDS);
        new AgentEntryValidator(session, realm).validate(model, AgentEntry.from(model));
    }

    /*
     * The three callbacks below are where the page writes client attributes, so each asks for the right to edit the
     * client first. Realm import only validates page components and never writes, so it is not checked here.
     */

    @Override
    public void onCreate(KeycloakSession session, RealmModel realm, ComponentModel model) {
        AgentEntry entry = AgentEntry.from(model);
        new AgentEditPermission(session, realm).require(entry.agent());
        new AgentEntryValidator(session, realm).requireUsable(entry);
        new AgentAttributeWriter(realm).write(entry);
    }

    @Override
    public void onUpdate(KeycloakSession session, RealmModel realm, ComponentModel oldModel, ComponentModel newModel) {
        AgentEntry entry = AgentEntry.from(newModel);
        String oldAgent = oldModel.get(AgentEntry.AGENT);
        boolean moved = !entry.agent().equals(oldAgent);
        AgentEditPermission permission = new AgentEditPermission(session, realm);
        permission.require(entry.agent());
        if (moved) {
            permission.require(oldAgent);
        }
        new AgentEntryValidator(session, realm).requireUsable(entry);
        AgentAttributeWriter writer = new AgentAttributeWriter(realm);
        if (moved) {
            writer.clear(oldAgent);
        }
        writer.write(entry);
    }

    @Override
    public void preRemove(KeycloakSession session, RealmModel realm, ComponentModel model) {
        String agent = model.get(AgentEntry.AGENT);
        new AgentEditPermission(session, realm).require(agent);
        new AgentAttributeWriter(realm).clear(agent);
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return FIELDS;
    }

    @Override
    public String getHelpText() {
        return Messages.PAGE_HELP;
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }

    /** Off on a Keycloak version this jar does not support: Keycloak's own providers serve instead. */
    @Override
    public boolean isSupported(Config.Scope config) {
        return SupportedKeycloak.running();
    }
}
