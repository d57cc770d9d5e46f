package dev.actorbound.keycloak.agent;

import dev.actorbound.keycloak.myagents.MyAgentsClient;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RequiredActionProviderModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.provider.ProviderEvent;

/**
 * Makes every realm ready for agents: the {@code ai-agent} role exists, the consent step is registered and the
 * client of the "agents that act for me" page exists.
 * Runs for existing realms at start-up and for each realm created or imported later. Never re-enables a
 * consent step an admin disabled: with it disabled, delegated requests are refused instead.
 */
public final class RealmSetup {

    private final String consentActionId;
    private final String consentActionName;

    public RealmSetup(String consentActionId, String consentActionName) {
        this.consentActionId = consentActionId;
        this.consentActionName = consentActionName;
    }

    public void onEvent(ProviderEvent event) {
        if (event instanceof RealmModel.RealmPostCreateEvent created) {
            prepare(created.getCreatedRealm());
        } else if (event instanceof PostMigrationEvent migrated) {
            KeycloakSessionFactory factory = migrated.getFactory();
            KeycloakModelUtils.runJobInTransaction(factory, this::prepareAll);
        }
    }

    private void prepareAll(KeycloakSession session) {
        session.realms().getRealmsStream().forEach(this::prepare);
    }

    void prepare(RealmModel realm) {
        if (realm.getRole(AgentAttributes.AGENT_ROLE) == null) {
            RoleModel role = realm.addRole(AgentAttributes.AGENT_ROLE);
            role.setDescription(AgentAttributes.AGENT_ROLE_DESCRIPTION);
        }
        if (realm.getRequiredActionProviderByAlias(consentActionId) == null) {
            RequiredActionProviderModel action = new RequiredActionProviderModel();
            action.setAlias(consentActionId);
            action.setProviderId(consentActionId);
            action.setName(consentActionName);
            action.setEnabled(true);
            action.setDefaultAction(false);
            // Last in line: consent to an agent is the final step before the code is issued.
            action.setPriority(1000);
            realm.addRequiredActionProvider(action);
        }
        MyAgentsClient.ensure(realm);
    }
}
