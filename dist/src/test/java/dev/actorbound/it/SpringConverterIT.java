package dev.actorbound.it;

import static dev.actorbound.it.TestClients.BOOKING_API;
import static dev.actorbound.it.TestClients.APP;
import static dev.actorbound.it.TestClients.BOOKING;
import static dev.actorbound.it.TestClients.PLANNER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.actorbound.resourceserver.Actor;
import dev.actorbound.resourceserver.DelegatedPrincipal;
import dev.actorbound.resourceserver.DelegationRules;
import dev.actorbound.resourceserver.spring.DelegatedJwtAuthenticationConverter;
import dev.actorbound.resourceserver.spring.DelegatedJwtAuthenticationToken;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.BearerTokenError;

/**
 * The Spring Security converter on a real hand-off token: Spring Security's own decoder verifies it against the
 * realm's JWKS (issuer and audience as a Spring Boot application configures them), the converter exposes the chain
 * Keycloak wrote and the narrowed roles as authorities, and its rules refuse with Spring's bearer error.
 */
@WithRealms
class SpringConverterIT {

    private static TestRealm realm;
    private static Exchanges ex;
    private static NimbusJwtDecoder decoder;

    @BeforeAll
    static void createRealm(TestRealm fresh) {
        realm = fresh;
        ex = Exchanges.setUp(realm);
        decoder = NimbusJwtDecoder.withJwkSetUri(realm.jwksUrl()).build();
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(JwtValidators.createDefaultWithIssuer(realm.issuer()),
                new JwtClaimValidator<List<String>>("aud", aud -> aud != null && aud.contains(BOOKING_API))));
    }

    @Test
    void aHandOffTokenBecomesAnAuthenticationWithTheChainAndTheNarrowedRoles() throws Exception {
        String hop1 = ex.codeFlowToken(PLANNER);
        Exchanges.Attempt hop2 = ex.exchange(BOOKING, hop1, Map.of("audience", BOOKING_API));
        JWTClaimsSet claims = ex.assertIssued(hop2, hop1, "booking-agent<planner-agent");

        DelegatedJwtAuthenticationToken authentication = (DelegatedJwtAuthenticationToken)
                new DelegatedJwtAuthenticationConverter(DelegationRules.builder().allowAgents(BOOKING).maxDepth(2).build())
                        .convert(decoder.decode(hop2.accessToken()));

        DelegatedPrincipal who = (DelegatedPrincipal) authentication.getPrincipal();
        assertThat(authentication.getName()).isEqualTo(realm.userId(TestRealm.ALICE)).isEqualTo(claims.getSubject());
        assertThat(who.username()).contains(TestRealm.ALICE);
        assertThat(who.chain()).containsExactly(new Actor(realm.agentServiceAccountId(BOOKING), BOOKING),
                new Actor(realm.agentServiceAccountId(PLANNER), PLANNER));
        assertThat(who.app()).contains(APP);
        assertThat(authentication.getAuthorities()).extracting(GrantedAuthority::getAuthority)
                .contains("ROLE_reader").doesNotContain("ROLE_writer")
                .containsAll(Exchanges.scopes(claims).stream().map(s -> "SCOPE_" + s).toList());

        OAuth2AuthenticationException refused = catchThrowableOfType(OAuth2AuthenticationException.class,
                () -> new DelegatedJwtAuthenticationConverter(DelegationRules.builder().allowAgents(PLANNER).build())
                        .convert(decoder.decode(hop2.accessToken())));
        BearerTokenError error = (BearerTokenError) refused.getError();
        assertThat(error.getHttpStatus()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(error.getErrorCode()).isEqualTo("insufficient_scope");
        assertThat(error.getDescription()).isEqualTo("the acting agent is not allowed for this resource");
    }
}
