package dev.actorbound.resourceserver.spring;

import java.util.Collection;
import java.util.Map;

import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.Transient;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.AbstractOAuth2TokenAuthenticationToken;

import dev.actorbound.resourceserver.DelegatedPrincipal;

/**
 * An authenticated request with a JWT: its principal ({@code @AuthenticationPrincipal DelegatedPrincipal who}) is the
 * user, the acting agent and the chain; its credentials are the {@link Jwt}. Like Spring's own
 * {@code JwtAuthenticationToken} it is never kept in a session: every request brings its token.
 */
@Transient
public final class DelegatedJwtAuthenticationToken extends AbstractOAuth2TokenAuthenticationToken<Jwt> {

    private static final long serialVersionUID = 1L;

    private final DelegatedPrincipal principal;

    DelegatedJwtAuthenticationToken(Jwt jwt, DelegatedPrincipal principal, Collection<? extends GrantedAuthority> authorities) {
        super(jwt, principal, jwt, authorities);
        this.principal = principal;
        setAuthenticated(true);
    }

    /** The user, the acting agent and the chain. */
    public DelegatedPrincipal delegatedPrincipal() {
        return principal;
    }

    @Override
    public Map<String, Object> getTokenAttributes() {
        return getToken().getClaims();
    }

    /** The user's id ({@code sub}). */
    @Override
    public String getName() {
        return principal.subject();
    }
}
