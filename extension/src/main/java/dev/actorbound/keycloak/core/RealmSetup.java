package dev.actorbound.keycloak.core;

import java.util.function.BiConsumer;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;

/**
 * Runs a feature's set-up step for every realm: for the existing ones at start-up (after Keycloak's own migration)
 * and for each realm created or imported later. Each feature prepares only what it owns (the consent step its
 * required action, the account page its client, the actor token its client scope), so no feature reaches into
 * another. A step must be idempotent and must never undo an admin's change.
 */
public final class RealmSetup {

    private RealmSetup() {
    }

    public static void forEveryRealm(KeycloakSessionFactory factory, BiConsumer<KeycloakSession, RealmModel> step) {
        factory.register(event -> {
            if (event instanceof RealmModel.RealmPostCreateEvent created) {
                step.accept(created.getKeycloakSession(), created.getCreatedRealm());
            } else if (event instanceof PostMigrationEvent migrated) {
                KeycloakModelUtils.runJobInTransaction(migrated.getFactory(),
                        session -> session.realms().getRealmsStream().forEach(realm -> step.accept(session, realm)));
            }
        });
    }

    /** The realm role that marks a service account as an agent; every feature that reads agents needs it. */
    public static void ensureAgentRole(RealmModel realm) {
        if (realm.getRole(AgentAttributes.AGENT_ROLE) == null) {
            realm.addRole(AgentAttributes.AGENT_ROLE).setDescription(AgentAttributes.AGENT_ROLE_DESCRIPTION);
        }
    }
}
