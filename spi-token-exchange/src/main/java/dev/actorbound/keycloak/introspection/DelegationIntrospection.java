package dev.actorbound.keycloak.introspection;

import dev.actorbound.keycloak.agent.AuditDetails;
import dev.actorbound.keycloak.chain.ActorChain;
import dev.actorbound.keycloak.liveness.DelegationLiveness;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.representations.AccessToken;
import org.keycloak.representations.JsonWebToken;

/**
 * What every introspection type adds to Keycloak's own checks (PROTOCOL §4). Keycloak picks the type by
 * {@code token_type_hint}, and each type accepts access and refresh tokens alike, so all of them must apply it.
 */
final class DelegationIntrospection {

    private DelegationIntrospection() {
    }

    /**
     * Runs after Keycloak's checks passed. A delegated token stays active only while its delegation is live; then
     * the answer carries its {@code act} chain as issued. A dead one is inactive, with an error event saying why.
     */
    static boolean stillLive(KeycloakSession session, RealmModel realm, EventBuilder event, UserModel user,
                             JsonWebToken token, AccessToken answer) {
        DelegationLiveness.Verdict verdict = new DelegationLiveness(session, realm).check(user, token);
        if (verdict instanceof DelegationLiveness.Dead dead) {
            actorDetails(event, dead.chain());
            event.detail(Details.REASON, dead.description()).error(dead.error());
            return false;
        }
        if (verdict instanceof DelegationLiveness.Live live) {
            actorDetails(event, live.chain());
            answer.getOtherClaims().put(ActorChain.CLAIM, live.chain().toClaim());
        }
        return true;
    }

    private static void actorDetails(EventBuilder event, ActorChain chain) {
        if (chain != null) {
            event.detail(AuditDetails.ACTOR, chain.current().clientId()).detail(AuditDetails.ACTOR_CHAIN, chain.serialize());
        }
    }
}
