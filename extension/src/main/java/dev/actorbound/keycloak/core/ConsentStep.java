package dev.actorbound.keycloak.core;

import org.keycloak.models.RealmModel;
import org.keycloak.models.RequiredActionProviderModel;

/**
 * The consent step (a required action) as the other features see it: without it enabled, no code can be bound
 * to an agent, so every delegated request is refused rather than answered with a plain code.
 */
public final class ConsentStep {

    /** The required action's provider id and alias. */
    public static final String ID = "actorbound-agent-consent";

    private ConsentStep() {
    }

    public static boolean isEnabled(RealmModel realm) {
        RequiredActionProviderModel action = realm.getRequiredActionProviderByAlias(ID);
        return action != null && action.isEnabled();
    }
}
