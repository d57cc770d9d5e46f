package dev.actorbound.resourceserver.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.BearerTokenError;

import dev.actorbound.resourceserver.DelegationRules;

/** The converter without a Spring application: what it makes of a decoded {@link Jwt}. */
class DelegatedJwtAuthenticationConverterTest {

    private static Jwt jwt(Map<String, Object> extra) {
        Instant now = Instant.now();
        return Jwt.withTokenValue("t").header("alg", "RS256").header("typ", "JWT")
                .issuer("https://id.example.org/realms/demo").subject("alice-id").audience(List.of("travel-api"))
                .claim("typ", "Bearer").claim("realm_access", Map.of("roles", List.of("reader")))
                .claims(c -> c.putAll(extra)).issuedAt(now).expiresAt(now.plusSeconds(300)).build();
    }

    @Test
    void aRuleNamingARoleOutsideAsciiIsRefusedNotAServerError() {
        // Keycloak role names may hold any character; RFC 6750 descriptions may not, and BearerTokenError throws on them
        DelegatedJwtAuthenticationConverter converter = new DelegatedJwtAuthenticationConverter(
                DelegationRules.builder().requireRealmRoles("r\u00e9viseur").build());

        Throwable thrown = catchThrowable(() -> converter.convert(jwt(Map.of())));

        assertThat(thrown).isInstanceOf(OAuth2AuthenticationException.class);
        BearerTokenError error = (BearerTokenError) ((OAuth2AuthenticationException) thrown).getError();
        assertThat(error.getHttpStatus()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(error.getDescription()).isEqualTo("the token lacks the role r?viseur");
    }

    @Test
    void aMissingScopeNamesTheScopesNeeded() {
        DelegatedJwtAuthenticationConverter converter = new DelegatedJwtAuthenticationConverter(
                DelegationRules.builder().requireScopes("trips.read").build());
        BearerTokenError error = (BearerTokenError) ((OAuth2AuthenticationException) catchThrowable(
                () -> converter.convert(jwt(Map.of("scope", "openid"))))).getError();
        assertThat(error.getErrorCode()).isEqualTo("insufficient_scope");
        assertThat(error.getScope()).isEqualTo("trips.read");
    }

    @Test
    void aTokenWithoutActIsTheUsersOwnAndGetsItsAuthorities() {
        DelegatedJwtAuthenticationToken token = (DelegatedJwtAuthenticationToken) new DelegatedJwtAuthenticationConverter()
                .convert(jwt(Map.of("scope", "openid")));
        assertThat(token.delegatedPrincipal().isDelegated()).isFalse();
        assertThat(token.getName()).isEqualTo("alice-id");
        assertThat(token.isAuthenticated()).isTrue();
        assertThat(token.getAuthorities()).extracting(Object::toString).containsExactly("SCOPE_openid", "ROLE_reader");
        assertThat(token.getTokenAttributes()).containsEntry("sub", "alice-id");
    }
}
