package dev.actorbound.resourceserver.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.actorbound.resourceserver.Actor;
import dev.actorbound.resourceserver.DelegatedPrincipal;
import dev.actorbound.resourceserver.DelegationRules;

/**
 * A real Spring Boot application (embedded Tomcat on a random port) protected by Spring Security's resource server
 * with the converter; tokens minted with a test key whose JWKS a loopback JDK HttpServer serves.
 */
@SpringBootTest(classes = SpringResourceServerTest.TripsApi.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SpringResourceServerTest {

    static final String ISSUER = "https://id.example.org/realms/demo";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Keys KEYS = new Keys();

    /** The realm's stand-in: one key, its JWKS on loopback. */
    static final class Keys {
        final RSAKey key;
        final HttpServer server;

        Keys() {
            try {
                key = new RSAKeyGenerator(2048).keyID("spring-test").generate();
                server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            } catch (JOSEException | IOException e) {
                throw new IllegalStateException(e);
            }
            byte[] jwks = new JWKSet(key).toPublicJWKSet().toString().getBytes(StandardCharsets.UTF_8);
            server.createContext("/certs", exchange -> {
                exchange.sendResponseHeaders(200, jwks.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(jwks);
                }
            });
            server.start();
        }

        String jwksUrl() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/certs";
        }
    }

    @SpringBootApplication(proxyBeanMethods = false)
    @RestController
    static class TripsApi {

        @Bean
        SecurityFilterChain security(HttpSecurity http) throws Exception {
            DelegationRules rules = DelegationRules.builder().requireDelegation().maxDepth(2).build();
            http.authorizeHttpRequests(requests -> requests
                            .requestMatchers("/trips").hasAuthority("SCOPE_trips.read")
                            .requestMatchers("/admin").hasRole("admin")
                            .anyRequest().authenticated())
                    .oauth2ResourceServer(rs -> rs
                            .jwt(jwt -> jwt.jwtAuthenticationConverter(new DelegatedJwtAuthenticationConverter(rules)))
                            .protectedResourceMetadata(metadata -> metadata.protectedResourceMetadataCustomizer(
                                    document -> document.authorizationServer(ISSUER).scope("trips.read"))));
            return http.build();
        }

        @GetMapping("/me")
        Map<String, Object> me(@AuthenticationPrincipal DelegatedPrincipal who) {
            Map<String, Object> me = new LinkedHashMap<>();
            me.put("user", who.subject());
            me.put("username", who.username().orElse(null));
            me.put("agent", who.agent().map(Actor::name).orElse(null));
            me.put("chain", who.chain().stream().map(Actor::subject).toList());
            me.put("name", SecurityContextHolder.getContext().getAuthentication().getName());
            me.put("authorities", SecurityContextHolder.getContext().getAuthentication().getAuthorities().stream()
                    .map(Object::toString).sorted().toList());
            return me;
        }

        @GetMapping("/trips")
        String trips() {
            return "trips";
        }

        @GetMapping("/admin")
        String admin() {
            return "admin";
        }
    }

    @DynamicPropertySource
    static void resourceServer(DynamicPropertyRegistry registry) {
        registry.add("spring.security.oauth2.resourceserver.jwt.jwk-set-uri", KEYS::jwksUrl);
        registry.add("spring.security.oauth2.resourceserver.jwt.issuer-uri", () -> ISSUER);
        registry.add("spring.security.oauth2.resourceserver.jwt.audiences", () -> "travel-api");
    }

    @AfterAll
    static void stopKeys() {
        KEYS.server.stop(0);
    }

    @Value("${local.server.port}")
    int port;

    private static JWTClaimsSet.Builder claims() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(ISSUER).audience("travel-api").subject("alice-id")
                .claim("preferred_username", "alice").claim("typ", "Bearer").claim("azp", "travel-planner")
                .claim("scope", "openid trips.read")
                .claim("realm_access", Map.of("roles", List.of("reader")))
                .claim("resource_access", Map.of("travel-api", Map.of("roles", List.of("viewer"))))
                .claim("act", Map.of("sub", "sa-booking", "client_id", "booking-agent",
                        "act", Map.of("sub", "sa-planner", "client_id", "planner-agent")))
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)));
    }

    private static String sign(JWTClaimsSet claims) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("spring-test")
                .type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(new RSASSASigner(KEYS.key));
        return jwt.serialize();
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String metadataUrl() {
        return "http://127.0.0.1:" + port + "/.well-known/oauth-protected-resource";
    }

    @Test
    void thePrincipalIsTheUserTheActingAgentAndTheChain() throws Exception {
        HttpResponse<String> response = get("/me", sign(claims().build()));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Map<String, Object> me = JSONObjectUtils.parse(response.body());
        assertThat(me).containsEntry("user", "alice-id").containsEntry("username", "alice")
                .containsEntry("agent", "booking-agent").containsEntry("name", "alice-id")
                .containsEntry("chain", List.of("sa-booking", "sa-planner"))
                .containsEntry("authorities", List.of("ROLE_reader", "ROLE_travel-api:viewer", "SCOPE_openid", "SCOPE_trips.read"));
    }

    @Test
    void authoritiesComeFromScopesAndRoles() throws Exception {
        assertThat(get("/trips", sign(claims().build())).statusCode()).isEqualTo(200);
        assertThat(get("/trips", sign(claims().claim("scope", "openid").build())).statusCode()).isEqualTo(403);
        HttpResponse<String> admin = get("/admin", sign(claims().build()));
        assertThat(admin.statusCode()).isEqualTo(403);
        assertThat(admin.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Bearer error=\"insufficient_scope\"");
    }

    @Test
    void theRulesRefuseAUsersOwnTokenAndAChainTooDeepWith403AndAChallenge() throws Exception {
        HttpResponse<String> own = get("/me", sign(claims().claim("act", null).build()));
        assertThat(own.statusCode()).isEqualTo(403);
        assertThat(own.headers().firstValue("WWW-Authenticate").orElseThrow()).isEqualTo("Bearer error=\"insufficient_scope\", "
                + "error_description=\"this resource accepts only delegated tokens (with act)\", "
                + "resource_metadata=\"" + metadataUrl() + "\"");

        HttpResponse<String> deep = get("/me", sign(claims().claim("act", Map.of("sub", "c", "client_id", "c",
                "act", Map.of("sub", "b", "act", Map.of("sub", "a")))).build()));
        assertThat(deep.statusCode()).isEqualTo(403);
        assertThat(deep.headers().firstValue("WWW-Authenticate").orElseThrow())
                .contains("error_description=\"the delegation chain is longer than 2 for this resource\"");
    }

    @Test
    void anIdTokenASenderConstrainedTokenAndAMalformedActAre401() throws Exception {
        for (JWTClaimsSet claims : List.of(claims().claim("typ", "ID").build(), claims().claim("cnf", Map.of("jkt", "x")).build(),
                claims().claim("act", "planner-agent").build())) {
            HttpResponse<String> response = get("/me", sign(claims));
            assertThat(response.statusCode()).as(claims.toString()).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Bearer error=\"invalid_token\"")
                    .contains("resource_metadata=\"" + metadataUrl() + "\"");
        }
    }

    @Test
    void springChecksTheAudienceAndTheMetadataDocumentIsServed() throws Exception {
        HttpResponse<String> otherAudience = get("/me", sign(claims().audience("calendar-api").build()));
        assertThat(otherAudience.statusCode()).isEqualTo(401);

        HttpResponse<String> none = get("/me", null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer resource_metadata=\"" + metadataUrl() + "\"");

        HttpResponse<String> document = get("/.well-known/oauth-protected-resource", null);
        assertThat(document.statusCode()).isEqualTo(200);
        assertThat(JSONObjectUtils.parse(document.body())).containsEntry("authorization_servers", List.of(ISSUER))
                .containsEntry("scopes_supported", List.of("trips.read"))
                .containsEntry("bearer_methods_supported", List.of("header"));
    }
}
