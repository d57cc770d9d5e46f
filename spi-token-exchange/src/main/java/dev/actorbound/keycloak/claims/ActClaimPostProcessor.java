package dev.actorbound.keycloak.claims;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import dev.actorbound.keycloak.agent.AuditDetails;
import dev.actorbound.keycloak.chain.ActorChain;
import dev.actorbound.keycloak.chain.Delegation;
import org.keycloak.common.util.Time;
import org.keycloak.events.Details;
import org.keycloak.models.ClientModel;
import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.protocol.oidc.token.TokenPostProcessor;
import org.keycloak.protocol.oidc.token.TokenPostProcessorContext;
import org.keycloak.representations.AccessToken;
import org.keycloak.representations.RefreshToken;

/**
 * Writes {@code act}, narrows roles and caps the lifetime of every access token a grant marked as delegated, and
 * marks the refresh token issued beside it.
 * It runs after the protocol mappers, so no mapper configuration can drop or rewrite the actor.
 */
public final class ActClaimPostProcessor implements TokenPostProcessor {

    static final String CLIENT_ID_CLAIM = "client_id";

    private final KeycloakSession session;

    ActClaimPostProcessor(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public void process(TokenPostProcessorContext context) {
        AccessToken token = context.accessToken();
        Delegation delegation = delegationOf(context.clientSessionCtx());
        if (delegation == null || token == null) {
            return;
        }
        token.getOtherClaims().put(ActorChain.CLAIM, delegation.chain().toClaim());
        // RFC 9068: the client the token was issued to; resource servers read it beside act.sub.
        token.getOtherClaims().put(CLIENT_ID_CLAIM, token.getIssuedFor());
        token.getOtherClaims().put(Delegation.ORIGIN_CLAIM, delegation.originClientId());
        capLifetime(token, delegation);
        RealmModel realm = session.getContext().getRealm();
        narrowRoles(token, realm, realm.getClientByClientId(delegation.chain().current().clientId()));
        if (delegation.ceiling() != null) {
            delegation.ceiling().applyTo(token);
        }
        stampRefreshToken(context.refreshToken(), delegation);
        audit(token, delegation);
    }

    /** The event names what the token finally carries, after every narrowing: what an auditor needs to know. */
    private static void audit(AccessToken token, Delegation delegation) {
        if (delegation.event() == null) {
            return;
        }
        Set<String> roles = new TreeSet<>();
        if (token.getRealmAccess() != null && token.getRealmAccess().getRoles() != null) {
            roles.addAll(token.getRealmAccess().getRoles());
        }
        if (token.getResourceAccess() != null) {
            token.getResourceAccess().forEach((clientId, access) -> {
                if (access.getRoles() != null) {
                    access.getRoles().forEach(role -> roles.add(clientId + ":" + role));
                }
            });
        }
        delegation.event().detail(AuditDetails.GRANTED_ROLES, String.join(" ", roles));
        delegation.event().detail(AuditDetails.APP, delegation.originClientId());
        if (token.getAudience() != null && token.getAudience().length > 0) {
            delegation.event().detail(Details.AUDIENCE, String.join(" ", token.getAudience()));
        }
    }

    /**
     * A refresh token of a delegated grant carries the chain and the app, so that its use reaches the delegated
     * refresh provider (which demands the agent's actor token again) and never yields a plain token.
     */
    private static void stampRefreshToken(RefreshToken refreshToken, Delegation delegation) {
        if (refreshToken != null) {
            refreshToken.getOtherClaims().put(ActorChain.CLAIM, delegation.chain().toClaim());
            refreshToken.getOtherClaims().put(Delegation.ORIGIN_CLAIM, delegation.originClientId());
        }
    }

    /** The code grant marks its client-session context; the exchange, whose context Keycloak builds, marks the request. */
    private Delegation delegationOf(ClientSessionContext clientSessionCtx) {
        Delegation fromContext = clientSessionCtx == null ? null : clientSessionCtx.getAttribute(Delegation.ATTRIBUTE, Delegation.class);
        return fromContext != null ? fromContext : session.getAttribute(Delegation.ATTRIBUTE, Delegation.class);
    }

    private static void capLifetime(AccessToken token, Delegation delegation) {
        long issuedAt = token.getIat() == null ? Time.currentTime() : token.getIat();
        long cap = issuedAt + delegation.lifetimeSeconds();
        if (delegation.notAfter() != null) {
            cap = Math.min(cap, delegation.notAfter());
        }
        if (token.getExp() == null || token.getExp() > cap) {
            token.exp(cap);
        }
    }

    /** Keeps only roles the acting agent is configured for (its role scope mappings): never more than the app's. */
    private static void narrowRoles(AccessToken token, RealmModel realm, ClientModel agent) {
        if (token.getRealmAccess() != null && token.getRealmAccess().getRoles() != null) {
            token.getRealmAccess().getRoles().removeIf(name -> !allowed(agent, realm.getRole(name)));
        }
        Map<String, AccessToken.Access> resourceAccess = token.getResourceAccess();
        if (resourceAccess == null) {
            return;
        }
        resourceAccess.forEach((clientId, access) -> {
            ClientModel owner = realm.getClientByClientId(clientId);
            if (access.getRoles() != null) {
                access.getRoles().removeIf(name -> owner == null || !allowed(agent, owner.getRole(name)));
            }
        });
        resourceAccess.values().removeIf(access -> access.getRoles() == null || access.getRoles().isEmpty());
    }

    private static boolean allowed(ClientModel agent, RoleModel role) {
        return agent != null && role != null && agent.hasScope(role);
    }

    @Override
    public void close() {
    }
}
