package dev.actorbound.keycloak.delegation;

import dev.actorbound.keycloak.core.ActorboundErrors;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import dev.actorbound.keycloak.core.AgentConsent;
import org.keycloak.OAuth2Constants;
import org.keycloak.models.ClientModel;
import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.Constants;
import org.keycloak.models.ProtocolMapperModel;
import org.keycloak.protocol.oidc.mappers.AudienceProtocolMapper;
import org.keycloak.representations.AccessToken;
import org.keycloak.representations.RefreshToken;
import org.keycloak.util.TokenUtil;

/**
 * The last check before a delegated token is signed: whatever a protocol mapper, a default setting or a later
 * Keycloak change did after the grant decided, the token carries no role, scope or audience beyond its
 * {@link EffectiveGrant}, and no offline refresh token unless the agent may have offline access. A violation means
 * no token at all, never a quietly trimmed one: the admin learns from the event which setting to fix.
 */
public final class DelegationSeal {

    public static final String OFFLINE_NOT_ALLOWED =
            "the agent is not mapped to the offline_access role: no offline token is issued for it";

    private DelegationSeal() {
    }

    /** A description of the first violation, or empty when the token keeps the invariant. */
    public static Optional<String> violation(AccessToken token, RefreshToken refreshToken, EffectiveGrant grant,
                                             ClientSessionContext ctx) {
        return Stream.of(role(token, grant), scope(token, grant), audience(token, grant, ctx), offline(refreshToken, grant))
                .flatMap(Optional::stream)
                .findFirst();
    }

    private static Optional<String> role(AccessToken token, EffectiveGrant grant) {
        if (token.getRealmAccess() != null && token.getRealmAccess().getRoles() != null) {
            for (String role : token.getRealmAccess().getRoles()) {
                if (!grant.allowsRealmRole(role)) {
                    return Optional.of(outside("role " + role));
                }
            }
        }
        if (token.getResourceAccess() != null) {
            for (Map.Entry<String, AccessToken.Access> entry : token.getResourceAccess().entrySet()) {
                Set<String> roles = entry.getValue().getRoles();
                for (String role : roles == null ? Set.<String>of() : roles) {
                    if (!grant.allowsClientRole(entry.getKey(), role)) {
                        return Optional.of(outside("role " + entry.getKey() + ":" + role));
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> scope(AccessToken token, EffectiveGrant grant) {
        if (token.getScope() == null) {
            return Optional.empty();
        }
        return AgentConsent.scopesOf(token.getScope()).stream()
                .filter(scope -> !OAuth2Constants.SCOPE_OPENID.equals(scope) && !grant.scopes().contains(scope))
                .findFirst()
                .map(scope -> outside("scope " + scope));
    }

    /**
     * An audience is justified by a role the token may carry, by an audience mapper the admin put on the client or
     * one of its scopes, or by the audience the exchange asked for and Keycloak already checked.
     */
    private static Optional<String> audience(AccessToken token, EffectiveGrant grant, ClientSessionContext ctx) {
        if (token.getAudience() == null) {
            return Optional.empty();
        }
        Set<String> justified = new HashSet<>(grant.roleOwners());
        if (ctx != null) {
            ctx.getProtocolMappersStream()
                    .filter(mapper -> AudienceProtocolMapper.PROVIDER_ID.equals(mapper.getProtocolMapper()))
                    .map(ProtocolMapperModel::getConfig)
                    .forEach(config -> {
                        addIfPresent(justified, config.get(AudienceProtocolMapper.INCLUDED_CLIENT_AUDIENCE));
                        addIfPresent(justified, config.get(AudienceProtocolMapper.INCLUDED_CUSTOM_AUDIENCE));
                    });
            ClientModel[] requested = ctx.getAttribute(Constants.REQUESTED_AUDIENCE_CLIENTS, ClientModel[].class);
            for (ClientModel client : requested == null ? new ClientModel[0] : requested) {
                justified.add(client.getClientId());
            }
        }
        for (String audience : token.getAudience()) {
            if (!justified.contains(audience)) {
                return Optional.of(outside("audience " + audience));
            }
        }
        return Optional.empty();
    }

    private static Optional<String> offline(RefreshToken refreshToken, EffectiveGrant grant) {
        if (refreshToken != null && TokenUtil.TOKEN_TYPE_OFFLINE.equals(refreshToken.getType())
                && !grant.allowsRealmRole(Constants.OFFLINE_ACCESS_ROLE)) {
            return Optional.of(OFFLINE_NOT_ALLOWED);
        }
        return Optional.empty();
    }

    private static void addIfPresent(Set<String> set, String value) {
        if (value != null && !value.isBlank()) {
            set.add(value);
        }
    }

    private static String outside(String what) {
        return "the delegated token would carry " + what + ", which agent ∩ user ∩ consent does not allow"
                + " (a protocol mapper or client setting adds it); no token was issued";
    }
}
