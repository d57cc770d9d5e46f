package dev.actorbound.keycloak.claims;

import dev.actorbound.keycloak.core.ActorboundErrors;
import java.util.Optional;

import dev.actorbound.keycloak.core.AuditDetails;
import dev.actorbound.keycloak.core.ActorChain;
import dev.actorbound.keycloak.core.RoleCeiling;
import dev.actorbound.keycloak.delegation.DelegatedInputGuard;
import dev.actorbound.keycloak.delegation.Delegation;
import dev.actorbound.keycloak.delegation.DelegationSeal;
import dev.actorbound.keycloak.core.GrantRefusal;
import org.keycloak.OAuthErrorException;
import org.keycloak.common.util.Time;
import org.keycloak.events.Details;
import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.protocol.oidc.token.TokenPostProcessor;
import org.keycloak.protocol.oidc.token.TokenPostProcessorContext;
import org.keycloak.representations.AccessToken;
import org.keycloak.representations.RefreshToken;

/**
 * The one place every token passes before it is signed. For a grant marked as delegated it writes {@code act},
 * caps the lifetime, keeps the subject token's sender constraint, writes a lightweight token's granted roles
 * ({@link RoleCeiling}), and seals the token: roles, scopes and audience
 * within the grant's {@code EffectiveGrant}, or no token at all. For every other grant it refuses a request that
 * presents a delegated token, so no grant of Keycloak's can turn one into a token without {@code act}.
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
        if (token != null) {
            // Ours alone: a mapper that wrote it could raise what a later hop or an introspection takes as the ceiling.
            token.getOtherClaims().remove(RoleCeiling.CLAIM);
        }
        Delegation delegation = delegationOf(context.clientSessionCtx());
        if (delegation == null) {
            new DelegatedInputGuard(session).refuseDelegatedInput();
            return;
        }
        if (token == null) {
            return;
        }
        token.getOtherClaims().put(ActorChain.CLAIM, delegation.chain().toClaim());
        // RFC 9068: the client the token was issued to; resource servers read it beside act.sub.
        token.getOtherClaims().put(CLIENT_ID_CLAIM, token.getIssuedFor());
        token.getOtherClaims().put(Delegation.ORIGIN_CLAIM, delegation.originClientId());
        capLifetime(token, delegation);
        if (delegation.confirmation() != null) {
            token.setConfirmation(delegation.confirmation());
        }
        if (RoleCeiling.isLightweight(session, token)) {
            token.getOtherClaims().put(RoleCeiling.CLAIM, RoleCeiling.ofRoles(delegation.grant().roles()).toClaim());
        }
        Optional<String> violation = DelegationSeal.violation(token, context.refreshToken(), delegation.grant(),
                context.clientSessionCtx());
        if (violation.isPresent()) {
            throw new GrantRefusal(delegation.event(), delegation.cors())
                    .refuse(OAuthErrorException.INVALID_GRANT, ActorboundErrors.DELEGATION_WIDENED, violation.get());
        }
        stampRefreshToken(context.refreshToken(), delegation);
        audit(token, delegation);
    }

    /** The event names what the token finally carries: what an auditor needs to know. */
    private void audit(AccessToken token, Delegation delegation) {
        if (delegation.event() == null) {
            return;
        }
        delegation.event().detail(AuditDetails.GRANTED_ROLES, String.join(" ", RoleCeiling.of(session, token).labels()));
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

    /** The code grant marks its client-session context; the exchange and refresh, whose contexts Keycloak builds, mark the request. */
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

    @Override
    public void close() {
    }
}
