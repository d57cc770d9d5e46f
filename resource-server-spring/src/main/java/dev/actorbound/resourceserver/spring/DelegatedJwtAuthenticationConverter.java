package dev.actorbound.resourceserver.spring;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.springframework.core.convert.converter.Converter;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.BearerTokenError;

import dev.actorbound.resourceserver.AccessTokenChecks;
import dev.actorbound.resourceserver.DelegatedPrincipal;
import dev.actorbound.resourceserver.DelegationRules;
import dev.actorbound.resourceserver.Refusal;

/**
 * For {@code http.oauth2ResourceServer(rs -> rs.jwt(jwt -> jwt.jwtAuthenticationConverter(...)))}: turns the JWT
 * Spring Security verified (signature, {@code iss}, times, and {@code aud} when configured) into a
 * {@link DelegatedJwtAuthenticationToken} whose principal is a {@link DelegatedPrincipal}.
 *
 * <p>It adds what Spring's decoder does not check: that the token is a bearer access token (Keycloak's {@code typ:
 * Bearer}, or RFC 9068's {@code at+jwt}; no ID token, no sender-constrained token), that {@code act} is well formed,
 * and the {@link DelegationRules}. A refusal becomes an {@link OAuth2AuthenticationException} with a
 * {@link BearerTokenError}, which Spring's bearer entry point (or {@link ResourceMetadataEntryPoint}) answers with its
 * status and challenge.
 *
 * <p>Authorities: {@code SCOPE_<scope>} for each scope (Spring's own convention), {@code ROLE_<role>} for each realm
 * role and {@code ROLE_<client>:<role>} for each client role, so that {@code hasAuthority("SCOPE_trips.read")},
 * {@code hasRole("reader")} and {@code hasRole("travel-api:viewer")} work.
 */
public final class DelegatedJwtAuthenticationConverter implements Converter<Jwt, AbstractAuthenticationToken> {

    private final DelegationRules rules;

    /** Accepts every valid access token; authorize with authorities or with the principal. */
    public DelegatedJwtAuthenticationConverter() {
        this(DelegationRules.none());
    }

    /** Refuses, before any controller runs, every token that breaks {@code rules}. */
    public DelegatedJwtAuthenticationConverter(DelegationRules rules) {
        this.rules = Objects.requireNonNull(rules, "rules");
    }

    @Override
    public AbstractAuthenticationToken convert(Jwt jwt) {
        try {
            Object type = jwt.getHeaders().get("typ");
            AccessTokenChecks.check(type instanceof String s ? s : null, jwt.getClaims());
            DelegatedPrincipal principal = DelegatedPrincipal.fromTokenClaims(jwt.getClaims());
            rules.check(principal);
            return new DelegatedJwtAuthenticationToken(jwt, principal, authorities(principal));
        } catch (Refusal refusal) {
            throw new OAuth2AuthenticationException(bearerError(refusal), refusal.description());
        }
    }

    /** The refusal as Spring Security's error, with its status, description and (for missing scopes) scope. */
    static BearerTokenError bearerError(Refusal refusal) {
        String scope = refusal.scope().isEmpty() ? null : String.join(" ", refusal.scope());
        return new BearerTokenError(refusal.error(), HttpStatus.valueOf(refusal.status()), refusal.description(), null, scope);
    }

    static Collection<GrantedAuthority> authorities(DelegatedPrincipal principal) {
        List<GrantedAuthority> authorities = new ArrayList<>();
        principal.scopes().forEach(scope -> authorities.add(new SimpleGrantedAuthority("SCOPE_" + scope)));
        principal.realmRoles().forEach(role -> authorities.add(new SimpleGrantedAuthority("ROLE_" + role)));
        for (Map.Entry<String, Set<String>> client : principal.clientRoles().entrySet()) {
            client.getValue().forEach(role -> authorities.add(new SimpleGrantedAuthority("ROLE_" + client.getKey() + ":" + role)));
        }
        return authorities;
    }
}
