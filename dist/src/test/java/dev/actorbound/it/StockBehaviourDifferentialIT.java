package dev.actorbound.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Stock behaviour is unchanged: the same plain, non-delegated requests against a stock Keycloak 26.7.3 and one with
 * our jar in {@code providers/} must give what a client or an admin can tell apart — status, the headers that matter,
 * OAuth error codes and descriptions, JSON shapes, token claims, stored events — the same answers, apart from the few
 * differences listed in {@link Differential#INTENDED}. Values that differ by nature (ids, times, signatures, session
 * ids, codes, ports) are compared by type only ({@link Differential#normalize}).
 *
 * <p>Both servers run {@code start-dev} the same way: on H2 in memory on the H2 pass, on PostgreSQL (a schema each) on
 * the PostgreSQL pass ({@link StockTwin}); the realm
 * ({@link DifferentialRealm}) is imported into both under one name. Each test is one scenario, run on the stock
 * server first; a failure lists every unexpected difference, path by path.
 */
class StockBehaviourDifferentialIT {

    @RegisterExtension
    static final StockTwin TWIN = new StockTwin();

    private static final RSAKey CLIENT_KEY = rsaKey();
    private static final RSAKey STRANGER_KEY = rsaKey();
    private static final DPoPProof DPOP_KEY = DPoPProof.newKey();
    private static final DPoPProof OTHER_DPOP_KEY = DPoPProof.newKey();
    private static final String REDIRECT = DifferentialRealm.REDIRECT_URI;
    private static String realm;

    @BeforeAll
    static void importRealm() {
        realm = DifferentialRealm.newName();
        for (StockTwin.Side side : TWIN.sides()) {
            side.admin().createRealm(DifferentialRealm.representation(realm, CLIENT_KEY));
            DifferentialRealm.applyClientPolicy(side.admin(), realm);
        }
    }

    @AfterAll
    static void deleteRealm() {
        if (realm != null && TWIN.withJar() != null) {
            TWIN.withJar().admin().deleteRealm(realm);
            TWIN.withJar().admin().deleteRealm(realm + "-copy");
        }
    }

    // ---- 0. what the jar adds to every realm ----

    @Test
    void realmRepresentationDiffersOnlyByWhatTheJarCreates() {
        TWIN.compare("realm", side -> {
            Differential.Observation seen = new Differential.Observation(side.baseUrl());
            Admin admin = side.admin();
            String path = "/realms/" + realm;
            seen.json("realm", withoutKeys(admin.get(path).expectOk("realm").body()));
            seen.json("roles", byName(admin.get(path + "/roles?briefRepresentation=false").expectOk("roles").body(), "name"));
            seen.json("clients", byName(admin.get(path + "/clients").expectOk("clients").body(), "clientId"));
            seen.json("client-scopes", byName(admin.get(path + "/client-scopes").expectOk("scopes").body(), "name"));
            seen.json("default-default-client-scopes", byName(admin.get(path + "/default-default-client-scopes").body(), "name"));
            seen.json("default-optional-client-scopes", byName(admin.get(path + "/default-optional-client-scopes").body(), "name"));
            ObjectNode components = Admin.JSON.createObjectNode();
            admin.get(path + "/components").expectOk("components").body().forEach(component -> components.set(
                    component.path("providerType").asText() + " / " + component.path("name").asText() + " / "
                            + component.path("subType").asText(), component));
            seen.json("components", components);
            seen.json("identity-providers", admin.get(path + "/identity-provider/instances").body());
            seen.json("groups", admin.get(path + "/groups").body());
            String late = admin.createClient(realm, Map.of("clientId", "late", "publicClient", false, "secret", "late-secret"));
            seen.json("client created after installation", admin.get(path + "/clients/" + late).body());
            admin.delete(path + "/clients/" + late, null).expectOk("delete client late");
            seen.json("required-actions", byName(admin.get(path + "/authentication/required-actions").body(), "alias"));
            seen.json("flows", byName(admin.get(path + "/authentication/flows").body(), "alias"));
            seen.json("client-policies", admin.get(path + "/client-policies/policies?include-global-policies=true").body());
            seen.json("client-profiles", admin.get(path + "/client-policies/profiles?include-global-profiles=true").body());
            seen.json("users", admin.get(path + "/users?briefRepresentation=false").body());
            List<JsonNode> adminEvents = new ArrayList<>();
            admin.get(path + "/admin-events?max=500").expectOk("admin events").body().forEach(adminEvents::add);
            adminEvents.sort(Comparator.comparingLong((JsonNode e) -> e.path("time").asLong()));
            seen.sequence("admin-events", adminEvents);
            return seen;
        });
    }

    // ---- 1. discovery ----

    @Test
    void discoveryDiffersOnlyByTheDelegationMetadata() {
        TWIN.compare("discovery", side -> {
            Differential.Observation seen = new Differential.Observation(side.baseUrl());
            seen.http("openid-configuration", side.get(side.issuer(realm) + "/.well-known/openid-configuration", Map.of()));
            seen.http("oauth-authorization-server", side.get(side.baseUrl() + "/.well-known/oauth-authorization-server/realms/" + realm, Map.of()));
            seen.http("uma2-configuration", side.get(side.issuer(realm) + "/.well-known/uma2-configuration", Map.of()));
            seen.http("jwks", side.get(side.endpoint(realm, "certs"), Map.of()));
            seen.http("realm", side.get(side.issuer(realm), Map.of()));
            return seen;
        });
        assertThat(TWIN.stock().oauth().discovery(realm).has("requested_actor_supported")).as("the stock server runs without the jar").isFalse();
        assertThat(TWIN.withJar().oauth().discovery(realm).path("requested_actor_supported").asBoolean()).as("the other one with it").isTrue();
    }

    // ---- 2. authorization code flow and PKCE ----

    @Test
    void codeFlowWithPkceAnswersAlike() {
        TWIN.compare("code-flow", side -> {
            Run run = new Run(side);
            OAuth.Pkce pkce = OAuth.Pkce.s256();
            run.redeem("public S256", run.login("spa", s256(pkce)), "spa", null, Map.of("code_verifier", pkce.verifier()));
            String plain = OAuth.Pkce.s256().verifier();
            run.redeem("public plain", run.login("spa", Map.of("code_challenge", plain, "code_challenge_method", "plain")),
                    "spa", null, Map.of("code_verifier", plain));
            run.redeem("public wrong verifier", run.login("spa", s256(pkce)), "spa", null,
                    Map.of("code_verifier", OAuth.Pkce.s256().verifier()));
            run.redeem("public missing verifier", run.login("spa", s256(pkce)), "spa", null, Map.of());
            run.redeem("public no PKCE", run.login("spa", Map.of()), "spa", null, Map.of());
            run.redeem("public unasked verifier", run.login("spa", Map.of()), "spa", null, Map.of("code_verifier", pkce.verifier()));
            run.redeem("confidential S256", run.login("backend", s256(pkce)), "backend", DifferentialRealm.BACKEND_SECRET,
                    Map.of("code_verifier", pkce.verifier()));
            run.redeem("confidential wrong secret", run.login("backend", s256(pkce)), "backend", "wrong",
                    Map.of("code_verifier", pkce.verifier()));
            String code = run.login("backend", Map.of());
            run.redeem("confidential no PKCE", code, "backend", DifferentialRealm.BACKEND_SECRET, Map.of());
            run.redeem("code used twice", code, "backend", DifferentialRealm.BACKEND_SECRET, Map.of());
            run.redeem("code of another client", run.login("spa", Map.of()), "backend", DifferentialRealm.BACKEND_SECRET, Map.of());
            run.login("S256 client asks plain", "spa-s256", Map.of("code_challenge", plain, "code_challenge_method", "plain"));
            run.login("S256 client without PKCE", "spa-s256", Map.of());
            run.login("unknown challenge method", "spa", Map.of("code_challenge", plain, "code_challenge_method", "S512"));
            run.login("short challenge", "spa", Map.of("code_challenge", "abc", "code_challenge_method", "S256"));
            run.login("bad redirect", "spa", Map.of("redirect_uri", "http://localhost:8089/elsewhere"));
            run.login("unknown client", "nobody", Map.of());
            run.redeem("S256 client S256", run.login("spa-s256", s256(pkce)), "spa-s256", null, Map.of("code_verifier", pkce.verifier()));
            return run.withEvents();
        });
    }

    // ---- 3. refresh, offline access, revocation ----

    @Test
    void refreshOfflineAndRevocationAnswerAlike() {
        TWIN.compare("refresh", side -> {
            Run run = new Run(side);
            OAuth.TokenResponse online = run.password("online", "backend", DifferentialRealm.BACKEND_SECRET, "openid");
            OAuth.TokenResponse refreshed = run.refresh("refresh", online.refreshToken(), "backend", DifferentialRealm.BACKEND_SECRET);
            run.refresh("refresh by other client", refreshed.refreshToken(), "other", DifferentialRealm.OTHER_SECRET);
            run.refresh("refresh garbage", "not-a-token", "backend", DifferentialRealm.BACKEND_SECRET);
            run.refresh("refresh with access token", refreshed.accessToken(), "backend", DifferentialRealm.BACKEND_SECRET);
            OAuth.TokenResponse offline = run.password("offline", "backend", DifferentialRealm.BACKEND_SECRET, "openid offline_access");
            OAuth.TokenResponse again = run.refresh("refresh offline", offline.refreshToken(), "backend", DifferentialRealm.BACKEND_SECRET);
            run.revoke("revoke by other client", again.refreshToken(), "refresh_token", "other", DifferentialRealm.OTHER_SECRET);
            run.revoke("revoke offline", again.refreshToken(), "refresh_token", "backend", DifferentialRealm.BACKEND_SECRET);
            run.refresh("refresh revoked offline", again.refreshToken(), "backend", DifferentialRealm.BACKEND_SECRET);
            run.revoke("revoke online", refreshed.refreshToken(), null, "backend", DifferentialRealm.BACKEND_SECRET);
            run.refresh("refresh revoked online", refreshed.refreshToken(), "backend", DifferentialRealm.BACKEND_SECRET);
            run.introspect("introspect access after revocation", refreshed.accessToken(), null, "backend", DifferentialRealm.BACKEND_SECRET);
            OAuth.TokenResponse third = run.password("third", "backend", DifferentialRealm.BACKEND_SECRET, "openid");
            run.revoke("revoke access token", third.accessToken(), "access_token", "backend", DifferentialRealm.BACKEND_SECRET);
            run.introspect("introspect revoked access", third.accessToken(), null, "backend", DifferentialRealm.BACKEND_SECRET);
            run.refresh("refresh after access revoked", third.refreshToken(), "backend", DifferentialRealm.BACKEND_SECRET);
            run.revoke("revoke garbage", "garbage", null, "backend", DifferentialRealm.BACKEND_SECRET);
            return run.withEvents();
        });
    }

    // ---- 4. introspection ----

    @Test
    void introspectionAnswersAlike() {
        TWIN.compare("introspection", side -> {
            Run run = new Run(side);
            OAuth.TokenResponse tokens = run.password("tokens", "backend", DifferentialRealm.BACKEND_SECRET, "openid");
            OAuth.TokenResponse light = run.password("lightweight tokens", "light", DifferentialRealm.BACKEND_SECRET, "openid");
            Map<String, String> kinds = new LinkedHashMap<>();
            kinds.put("access", tokens.accessToken());
            kinds.put("refresh", tokens.refreshToken());
            kinds.put("id", tokens.body().path("id_token").asText());
            kinds.put("lightweight", light.accessToken());
            kinds.put("garbage", "garbage");
            for (Map.Entry<String, String> kind : kinds.entrySet()) {
                for (String hint : new String[] {null, "access_token", "refresh_token", "id_token"}) {
                    run.introspect(kind.getKey() + " hint " + hint + " by owner", kind.getValue(), hint,
                            "lightweight".equals(kind.getKey()) ? "light" : "backend", DifferentialRealm.BACKEND_SECRET);
                    run.introspect(kind.getKey() + " hint " + hint + " by other", kind.getValue(), hint, "other",
                            DifferentialRealm.OTHER_SECRET);
                }
            }
            run.introspect("public client", tokens.accessToken(), null, "spa", null);
            run.introspect("wrong secret", tokens.accessToken(), null, "other", "wrong");
            run.introspect("unauthenticated", tokens.accessToken(), null, null, null);
            return run.withEvents();
        });
    }

    // ---- 5. standard token exchange (V2) ----

    @Test
    void standardTokenExchangeAnswersAlike() {
        TWIN.compare("token-exchange", side -> {
            Run run = new Run(side);
            String subject = run.password("subject", "backend", DifferentialRealm.BACKEND_SECRET, "openid").accessToken();
            String notForExchanger = run.password("light subject", "light", DifferentialRealm.BACKEND_SECRET, "openid").accessToken();
            run.exchange("audience target-api", "exchanger", DifferentialRealm.EXCHANGER_SECRET, subject, Map.of("audience", "target-api"));
            run.exchange("no audience", "exchanger", DifferentialRealm.EXCHANGER_SECRET, subject, Map.of());
            run.exchange("scope", "exchanger", DifferentialRealm.EXCHANGER_SECRET, subject, Map.of("scope", "openid profile"));
            run.exchange("audience not available", "exchanger", DifferentialRealm.EXCHANGER_SECRET, subject, Map.of("audience", "other"));
            run.exchange("unknown audience", "exchanger", DifferentialRealm.EXCHANGER_SECRET, subject, Map.of("audience", "nobody"));
            run.exchange("bad subject token", "exchanger", DifferentialRealm.EXCHANGER_SECRET, "garbage", Map.of());
            run.exchange("subject token not for the requester", "exchanger", DifferentialRealm.EXCHANGER_SECRET, notForExchanger, Map.of());
            run.exchange("saml2 requested", "exchanger", DifferentialRealm.EXCHANGER_SECRET, subject,
                    Map.of("requested_token_type", "urn:ietf:params:oauth:token-type:saml2"));
            run.exchange("refresh token requested", "exchanger", DifferentialRealm.EXCHANGER_SECRET, subject,
                    Map.of("requested_token_type", "urn:ietf:params:oauth:token-type:refresh_token"));
            run.exchange("id token requested", "exchanger", DifferentialRealm.EXCHANGER_SECRET, subject,
                    Map.of("requested_token_type", "urn:ietf:params:oauth:token-type:id_token"));
            run.exchange("exchange not enabled", "backend", DifferentialRealm.BACKEND_SECRET, subject, Map.of());
            run.exchange("wrong subject token type", "exchanger", DifferentialRealm.EXCHANGER_SECRET, subject,
                    Map.of("subject_token_type", "urn:ietf:params:oauth:token-type:jwt"));
            Map<String, String> noSubject = new LinkedHashMap<>();
            noSubject.put("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange");
            run.record("no subject token", side.oauth().token(realm, noSubject, "exchanger", DifferentialRealm.EXCHANGER_SECRET));
            return run.withEvents();
        });
    }

    /**
     * The one exchange a plain client may send that the jar answers differently, on purpose (see
     * {@link Differential#INTENDED}): stock standard token exchange ignores an {@code actor_token} and issues a
     * token for the subject alone; with the jar, an {@code actor_token} makes it a delegation request, which a client
     * that is not an agent is refused. Only the answer and its event may differ; headers must not.
     */
    @Test
    void anExchangeCarryingAnActorTokenIsTheIntendedException() {
        List<OAuth.TokenResponse> answers = new ArrayList<>();
        TWIN.compare("actor-token-exchange", side -> {
            Run run = new Run(side);
            String subject = run.password("subject", "backend", DifferentialRealm.BACKEND_SECRET, "openid").accessToken();
            Map<String, String> form = new LinkedHashMap<>(Map.of("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange",
                    "subject_token", subject, "subject_token_type", OAuth.ACCESS_TOKEN_TYPE, "actor_token", subject,
                    "actor_token_type", OAuth.ACCESS_TOKEN_TYPE, "audience", "target-api"));
            answers.add(run.record("exchange", side.oauth().token(realm, form, "exchanger", DifferentialRealm.EXCHANGER_SECRET)));
            return run.withEvents();
        });
        assertThat(answers.get(0).status()).as("stock: %s", answers.get(0)).isEqualTo(200);
        assertThat(answers.get(1).status()).as("with jar: %s", answers.get(1)).isEqualTo(400);
        assertThat(answers.get(1).error()).isEqualTo("unauthorized_client");
        assertThat(answers.get(1).errorDescription()).isEqualTo("the requesting client is not an agent");
    }

    // ---- 6. JWT client authentication ----

    @Test
    void jwtClientAuthenticationAnswersAlike() {
        TWIN.compare("client-jwt", side -> {
            Run run = new Run(side);
            String tokenUrl = side.endpoint(realm, "token");
            MACSigner secret = macSigner();
            run.clientCredentials("client_secret_jwt", assertion("jwt-secret", tokenUrl, secret, JWSAlgorithm.HS256, 60, null));
            run.clientCredentials("client_secret_jwt issuer as audience",
                    assertion("jwt-secret", side.issuer(realm), secret, JWSAlgorithm.HS256, 60, null));
            run.clientCredentials("client_secret_jwt wrong audience",
                    assertion("jwt-secret", "https://elsewhere.example", secret, JWSAlgorithm.HS256, 60, null));
            run.clientCredentials("client_secret_jwt expired", assertion("jwt-secret", tokenUrl, secret, JWSAlgorithm.HS256, -60, null));
            String once = assertion("jwt-secret", tokenUrl, secret, JWSAlgorithm.HS256, 60, null);
            run.clientCredentials("client_secret_jwt first use", once);
            run.clientCredentials("client_secret_jwt replayed", once);
            run.clientCredentials("private_key_jwt", assertion("jwt-key", tokenUrl, rsaSigner(CLIENT_KEY), JWSAlgorithm.RS256, 60, null));
            run.clientCredentials("private_key_jwt by a stranger's key",
                    assertion("jwt-key", tokenUrl, rsaSigner(STRANGER_KEY), JWSAlgorithm.RS256, 60, null));
            run.clientCredentials("private_key_jwt other subject",
                    assertion("jwt-key", tokenUrl, rsaSigner(CLIENT_KEY), JWSAlgorithm.RS256, 60, "jwt-secret"));
            run.record("client_secret_basic on a JWT client", side.oauth().token(realm,
                    Map.of("grant_type", "client_credentials"), "jwt-secret", DifferentialRealm.JWT_SECRET));
            return run.withEvents();
        });
    }

    // ---- 7. DPoP ----

    @Test
    void dpopBoundCodeAndRefreshAnswerAlike() {
        TWIN.compare("dpop", side -> {
            Run run = new Run(side);
            String tokenUrl = side.endpoint(realm, "token");
            OAuth.Pkce pkce = OAuth.Pkce.s256();
            run.redeem("code without proof", run.login("dpop", s256(pkce)), "dpop", null, Map.of("code_verifier", pkce.verifier()));
            OAuth.TokenResponse bound = run.redeem("code with proof", run.login("dpop", s256(pkce)), "dpop", null,
                    Map.of("code_verifier", pkce.verifier()), Map.of("DPoP", DPOP_KEY.forPost(tokenUrl)));
            Map<String, String> refresh = Map.of("grant_type", "refresh_token", "refresh_token", bound.refreshToken(), "client_id", "dpop");
            run.record("refresh without proof", side.post(tokenUrl, refresh, Map.of()));
            run.record("refresh with another key", side.post(tokenUrl, refresh, Map.of("DPoP", OTHER_DPOP_KEY.forPost(tokenUrl))));
            run.record("refresh with proof for another URL", side.post(tokenUrl, refresh, Map.of("DPoP", DPOP_KEY.forPost(side.issuer(realm)))));
            run.record("refresh with a malformed proof", side.post(tokenUrl, refresh, Map.of("DPoP", "not-a-proof")));
            run.record("refresh with proof", side.post(tokenUrl, refresh, Map.of("DPoP", DPOP_KEY.forPost(tokenUrl))));
            run.record("userinfo with DPoP token as bearer", side.get(side.endpoint(realm, "userinfo"),
                    Map.of("Authorization", "Bearer " + bound.accessToken())));
            run.introspect("introspect bound token", bound.accessToken(), null, "backend", DifferentialRealm.BACKEND_SECRET);
            run.record("password grant with proof", side.post(tokenUrl, Map.of("grant_type", "password", "username",
                    DifferentialRealm.ALICE, "password", DifferentialRealm.ALICE_PASSWORD, "scope", "openid"),
                    Map.of("DPoP", DPOP_KEY.forPost(tokenUrl), "Authorization", basic("backend", DifferentialRealm.BACKEND_SECRET))));
            return run.withEvents();
        });
    }

    // ---- 8. PAR, JAR, client policies ----

    @Test
    void parJarAndClientPoliciesAnswerAlike() {
        TWIN.compare("par-jar-policies", side -> {
            Run run = new Run(side);
            String parUrl = side.endpoint(realm, "ext/par/request");
            OAuth.Pkce pkce = OAuth.Pkce.s256();
            Map<String, String> pushed = new LinkedHashMap<>(Map.of("response_type", "code", "client_id", "par-required",
                    "redirect_uri", REDIRECT, "scope", "openid", "state", "st"));
            pushed.putAll(s256(pkce));
            OAuth.TokenResponse par = run.record("PAR", side.post(parUrl, pushed, Map.of("Authorization", basic("par-required", DifferentialRealm.PAR_SECRET))));
            String requestUri = par.body().path("request_uri").asText();
            run.redeem("PAR code", run.loginWith("PAR authorize", Map.of("client_id", "par-required", "request_uri", requestUri)),
                    "par-required", DifferentialRealm.PAR_SECRET, Map.of("code_verifier", pkce.verifier()));
            run.loginWith("PAR request_uri used twice", Map.of("client_id", "par-required", "request_uri", requestUri));
            run.login("PAR required, plain authorize", "par-required", s256(pkce));
            Map<String, String> badRedirect = new LinkedHashMap<>(pushed);
            badRedirect.put("redirect_uri", "http://localhost:8089/elsewhere");
            run.record("PAR bad redirect", side.post(parUrl, badRedirect, Map.of("Authorization", basic("par-required", DifferentialRealm.PAR_SECRET))));
            run.record("PAR wrong secret", side.post(parUrl, pushed, Map.of("Authorization", basic("par-required", "wrong"))));
            run.loginWith("unknown request_uri", Map.of("client_id", "par-required", "request_uri", "urn:ietf:params:oauth:request_uri:nothing"));

            String tokenUrl = side.endpoint(realm, "token");
            String request = requestObject(side, "jwt-key", CLIENT_KEY, pkce);
            String code = run.loginWith("JAR authorize", Map.of("client_id", "jwt-key", "response_type", "code", "scope", "openid",
                    "request", request));
            Map<String, String> redeem = new LinkedHashMap<>(Map.of("grant_type", "authorization_code", "code", code == null ? "none" : code,
                    "redirect_uri", REDIRECT, "code_verifier", pkce.verifier()));
            redeem.putAll(jwtAuthentication("jwt-key", tokenUrl));
            run.record("JAR code", side.post(tokenUrl, redeem, Map.of()));
            run.loginWith("JAR by a stranger's key", Map.of("client_id", "jwt-key", "response_type", "code", "scope", "openid",
                    "request", requestObject(side, "jwt-key", STRANGER_KEY, pkce)));
            run.loginWith("JAR unsigned", Map.of("client_id", "jwt-key", "response_type", "code", "scope", "openid",
                    "request", unsignedRequestObject(side, "jwt-key")));

            run.login("OAuth 2.1 without PKCE", "strict", Map.of());
            run.login("OAuth 2.1 plain PKCE", "strict", Map.of("code_challenge", pkce.verifier(), "code_challenge_method", "plain"));
            run.login("OAuth 2.1 implicit", "strict", Map.of("response_type", "token"));
            String strictCode = run.login("OAuth 2.1 S256", "strict", s256(pkce));
            Map<String, String> strictRedeem = new LinkedHashMap<>(Map.of("grant_type", "authorization_code",
                    "code", strictCode == null ? "none" : strictCode, "redirect_uri", DifferentialRealm.LOOPBACK_REDIRECT_URI,
                    "code_verifier", pkce.verifier()));
            strictRedeem.putAll(jwtAuthentication("strict", tokenUrl));
            run.record("OAuth 2.1 redeem without DPoP", side.post(tokenUrl, strictRedeem, Map.of()));
            String second = run.login("OAuth 2.1 S256 again", "strict", s256(pkce));
            strictRedeem.put("code", second == null ? "none" : second);
            strictRedeem.putAll(jwtAuthentication("strict", tokenUrl));
            run.record("OAuth 2.1 redeem with DPoP", side.post(tokenUrl, strictRedeem, Map.of("DPoP", DPOP_KEY.forPost(tokenUrl))));
            return run.withEvents();
        });
    }

    // ---- 9. userinfo, partial export and import ----

    @Test
    void userInfoAnswersAlike() {
        TWIN.compare("userinfo", side -> {
            Run run = new Run(side);
            OAuth.TokenResponse tokens = run.password("tokens", "backend", DifferentialRealm.BACKEND_SECRET, "openid profile email");
            String url = side.endpoint(realm, "userinfo");
            run.record("GET with bearer", side.get(url, Map.of("Authorization", "Bearer " + tokens.accessToken())));
            run.record("POST with form token", side.post(url, Map.of("access_token", tokens.accessToken()), Map.of()));
            run.record("no token", side.get(url, Map.of()));
            run.record("garbage token", side.get(url, Map.of("Authorization", "Bearer garbage")));
            run.record("refresh token as bearer", side.get(url, Map.of("Authorization", "Bearer " + tokens.refreshToken())));
            run.record("ID token as bearer", side.get(url, Map.of("Authorization", "Bearer " + tokens.body().path("id_token").asText())));
            String noOpenid = run.password("without openid", "backend", DifferentialRealm.BACKEND_SECRET, "profile").accessToken();
            run.record("token without openid scope", side.get(url, Map.of("Authorization", "Bearer " + noOpenid)));
            return run.withEvents();
        });
    }

    @Test
    void partialExportAndImportAnswerAlike() {
        TWIN.compare("export-import", side -> {
            Differential.Observation seen = new Differential.Observation(side.baseUrl());
            Admin admin = side.admin();
            JsonNode exported = admin.post("/realms/" + realm + "/partial-export?exportClients=true&exportGroupsAndRoles=true", null)
                    .expectOk("partial export").body();
            seen.json("partial export", exported);
            String copy = realm + "-copy";
            admin.deleteRealm(copy);
            admin.createRealm(Map.of("realm", copy, "enabled", true));
            ObjectNode body = ((ObjectNode) exported.deepCopy()).put("ifResourceExists", "SKIP");
            body.put("realm", copy);
            body.remove("id");
            Admin.Response imported = admin.post("/realms/" + copy + "/partialImport", body);
            seen.json("partial import", Admin.JSON.createObjectNode().put("status", imported.status()).set("body", imported.body()));
            seen.json("re-export", admin.post("/realms/" + copy + "/partial-export?exportClients=true&exportGroupsAndRoles=true", null)
                    .expectOk("re-export").body());
            admin.deleteRealm(copy);
            return seen;
        });
    }

    // ---- 10. device authorization grant ----

    @Test
    void deviceGrantAnswersAlike() {
        TWIN.compare("device", side -> {
            Run run = new Run(side);
            String deviceUrl = side.endpoint(realm, "auth/device");
            OAuth.TokenResponse device = run.record("device authorization",
                    side.post(deviceUrl, Map.of("client_id", "device", "scope", "openid"), Map.of()));
            String tokenUrl = side.endpoint(realm, "token");
            String grant = "urn:ietf:params:oauth:grant-type:device_code";
            run.record("pending", side.post(tokenUrl, Map.of("grant_type", grant, "client_id", "device",
                    "device_code", device.body().path("device_code").asText()), Map.of()));
            run.record("unknown device code", side.post(tokenUrl, Map.of("grant_type", grant, "client_id", "device",
                    "device_code", "nothing"), Map.of()));
            run.record("device grant not enabled", side.post(deviceUrl, Map.of("client_id", "spa"), Map.of()));
            run.record("verification page", side.get(device.body().path("verification_uri_complete").asText(), Map.of()));
            return run.withEvents();
        });
    }

    // ---- 11. CIBA (client-initiated backchannel authentication, poll mode) ----

    /**
     * A backchannel authentication request, what Keycloak asks the authentication device (a {@link CibaChannel}), the
     * polls before and after the device approves or denies, and what the tokens then do. Its tokens pass through the
     * jar's token post-processor and its refresh and introspection providers like any others.
     */
    @Test
    void cibaGrantAnswersAlike() {
        try (CibaChannel channel = CibaChannel.start()) {
            TWIN.compare("ciba", side -> {
                Run run = new Run(side);
                String authUrl = side.endpoint(realm, "ext/ciba/auth");
                Map<String, String> ciba = Map.of("Authorization", basic("ciba", DifferentialRealm.CIBA_SECRET));
                run.record("unknown user", side.post(authUrl, Map.of("scope", "openid", "login_hint", "nobody"), ciba));
                run.record("not a CIBA client", side.post(authUrl, Map.of("scope", "openid", "login_hint", DifferentialRealm.ALICE),
                        Map.of("Authorization", basic("backend", DifferentialRealm.BACKEND_SECRET))));
                run.record("unknown request", cibaPoll(side, "nothing"));

                CibaOutcome approved = answeredCiba(run, side, channel, "SUCCEED");
                OAuth.TokenResponse tokens = run.record("tokens", approved.answer());
                run.record("same request again", cibaPoll(side, approved.authReqId()));
                run.refresh("refresh", tokens.refreshToken(), "ciba", DifferentialRealm.CIBA_SECRET);
                run.introspect("introspect", tokens.accessToken(), null, "ciba", DifferentialRealm.CIBA_SECRET);
                run.introspect("introspect refresh token", tokens.refreshToken(), "refresh_token", "ciba", DifferentialRealm.CIBA_SECRET);

                run.record("denied", answeredCiba(run, side, channel, "UNAUTHORIZED").answer());
                return run.withEvents();
            });
        }
    }

    /**
     * Starts a CIBA request for alice, records what the device was asked, polls once while it is pending, lets the
     * device answer {@code status} at Keycloak's callback, waits out the realm's poll interval and polls again.
     */
    private static CibaOutcome answeredCiba(Run run, StockTwin.Side side, CibaChannel channel, String status) {
        OAuth.TokenResponse started = run.record("authentication request " + status, side.post(side.endpoint(realm, "ext/ciba/auth"),
                Map.of("scope", "openid", "login_hint", DifferentialRealm.ALICE, "binding_message", "diff"),
                Map.of("Authorization", basic("ciba", DifferentialRealm.CIBA_SECRET))));
        CibaChannel.Request request = channel.next();
        run.seen.json("device asked " + status, request.body());
        String authReqId = started.body().path("auth_req_id").asText("nothing");
        run.record("pending " + status, cibaPoll(side, authReqId));
        run.record("device answers " + status, side.send(HttpRequest.newBuilder(
                        URI.create(side.endpoint(realm, "ext/ciba/auth/callback")))
                .header("Authorization", "Bearer " + request.bearer()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"status\":\"" + status + "\"}"))));
        try {
            Thread.sleep(1_100); // the realm's poll interval is a second
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return new CibaOutcome(authReqId, cibaPoll(side, authReqId));
    }

    /** A CIBA request's id and the poll after the device answered. */
    private record CibaOutcome(String authReqId, OAuth.TokenResponse answer) {
    }

    private static OAuth.TokenResponse cibaPoll(StockTwin.Side side, String authReqId) {
        return side.post(side.endpoint(realm, "token"), Map.of("grant_type", "urn:openid:params:grant-type:ciba",
                "auth_req_id", authReqId), Map.of("Authorization", basic("ciba", DifferentialRealm.CIBA_SECRET)));
    }

    // ---- 12. logout ----

    /**
     * RP-initiated logout with a refresh token (OIDC RP-Initiated Logout, Keycloak's POST form), by the owner, another
     * client and without authentication; an admin ending the session; what refresh and introspection
     * say afterwards. The jar replaces the refresh path and introspection, so both must still see a logged-out session.
     */
    @Test
    void logoutAnswersAlike() {
        TWIN.compare("logout", side -> {
            Run run = new Run(side);
            String logoutUrl = side.endpoint(realm, "logout");
            OAuth.TokenResponse online = run.password("online", "backend", DifferentialRealm.BACKEND_SECRET, "openid");
            run.record("logout by other client", side.post(logoutUrl, Map.of("refresh_token", online.refreshToken()),
                    Map.of("Authorization", basic("other", DifferentialRealm.OTHER_SECRET))));
            run.record("logout unauthenticated", side.post(logoutUrl, Map.of("refresh_token", online.refreshToken()), Map.of()));
            run.record("logout with garbage", side.post(logoutUrl, Map.of("refresh_token", "garbage"),
                    Map.of("Authorization", basic("backend", DifferentialRealm.BACKEND_SECRET))));
            run.record("logout", side.post(logoutUrl, Map.of("refresh_token", online.refreshToken()),
                    Map.of("Authorization", basic("backend", DifferentialRealm.BACKEND_SECRET))));
            run.refresh("refresh after logout", online.refreshToken(), "backend", DifferentialRealm.BACKEND_SECRET);
            run.introspect("introspect after logout", online.accessToken(), null, "backend", DifferentialRealm.BACKEND_SECRET);
            run.record("logout again", side.post(logoutUrl, Map.of("refresh_token", online.refreshToken()),
                    Map.of("Authorization", basic("backend", DifferentialRealm.BACKEND_SECRET))));

            OAuth.TokenResponse offline = run.password("offline", "backend", DifferentialRealm.BACKEND_SECRET, "openid offline_access");
            run.record("logout offline", side.post(logoutUrl, Map.of("refresh_token", offline.refreshToken()),
                    Map.of("Authorization", basic("backend", DifferentialRealm.BACKEND_SECRET))));
            run.refresh("refresh offline after logout", offline.refreshToken(), "backend", DifferentialRealm.BACKEND_SECRET);

            // an admin ends the session (Sessions → Sign out); not "Sign out all sessions" of the user, which also
            // moves the user's not-before and so every later scenario's not-before-policy
            OAuth.TokenResponse again = run.password("again", "backend", DifferentialRealm.BACKEND_SECRET, "openid");
            side.admin().delete("/realms/" + realm + "/sessions/" + sessionId(again.accessToken()), null).expectOk("admin logout");
            run.refresh("refresh after admin logout", again.refreshToken(), "backend", DifferentialRealm.BACKEND_SECRET);
            run.introspect("introspect after admin logout", again.accessToken(), null, "backend", DifferentialRealm.BACKEND_SECRET);
            return run.withEvents();
        });
    }

    /**
     * Browser (front-channel) logout: alice signs in through {@code backend} in a browser, then the browser goes to the
     * end-session endpoint, first without an ID token (Keycloak asks her to confirm), then with the app's ID token and
     * its registered post-logout redirect. What the browser sees, whether the session is gone for the tokens (refresh,
     * introspection) and for the next authorization request, and the events.
     */
    @Test
    void browserLogoutAnswersAlike() {
        TWIN.compare("browser logout", side -> {
            Run run = new Run(side);
            HttpLogin browser = new HttpLogin(REDIRECT);
            String authorize = side.oauth().authorizeUrl(realm, "backend", REDIRECT, "openid", "st", Map.of());
            HttpLogin.Outcome login = browser.authorize(authorize, DifferentialRealm.ALICE, DifferentialRealm.ALICE_PASSWORD, null);
            run.seen.callback("login", login.callback(), login.status(), login.page());
            OAuth.TokenResponse tokens = run.redeem("redeem", login.code(), "backend", DifferentialRealm.BACKEND_SECRET, Map.of());
            String logout = side.endpoint(realm, "logout") + "?post_logout_redirect_uri="
                    + URLEncoder.encode(REDIRECT, StandardCharsets.UTF_8);

            run.browser("without an ID token", browser.get(logout + "&client_id=backend&state=s1"));
            run.browser("with a foreign redirect", browser.get(side.endpoint(realm, "logout") + "?id_token_hint="
                    + tokens.body().path("id_token").asText() + "&post_logout_redirect_uri="
                    + URLEncoder.encode("https://elsewhere.example/", StandardCharsets.UTF_8)));
            run.browser("with the ID token", browser.get(logout + "&state=s2&id_token_hint=" + tokens.body().path("id_token").asText()));

            run.refresh("refresh after browser logout", tokens.refreshToken(), "backend", DifferentialRealm.BACKEND_SECRET);
            run.introspect("introspect after browser logout", tokens.accessToken(), null, "backend", DifferentialRealm.BACKEND_SECRET);
            run.browser("authorize again", browser.get(authorize));
            return run.withEvents();
        });
    }

    private static String sessionId(String token) {
        try {
            return JWTParser.parse(token).getJWTClaimsSet().getStringClaim("sid");
        } catch (java.text.ParseException e) {
            throw new IllegalStateException("not a JWT", e);
        }
    }

    // ---- one scenario on one server ----

    /** A scenario's steps on one side, each recorded into its observation. */
    private static final class Run {
        private final StockTwin.Side side;
        private final Differential.Observation seen;

        Run(StockTwin.Side side) {
            this.side = side;
            this.seen = new Differential.Observation(side.baseUrl());
            side.admin().clearEvents(realm);
        }

        OAuth.TokenResponse record(String step, OAuth.TokenResponse response) {
            seen.http(step, response);
            return response;
        }

        /** What a browser sees: a redirect by its status and {@code Location}, a page by its title and message. */
        void browser(String step, HttpResponse<String> response) {
            if (response.statusCode() / 100 == 3) {
                seen.http(step, response.statusCode(), response.headers(), null);
            } else {
                seen.callback(step, Map.of(), response.statusCode(), response.body());
            }
        }

        /** Logs alice in through {@code clientId}; records the callback and returns its code (null when none). */
        String login(String clientId, Map<String, String> extra) {
            return login("authorize " + clientId, clientId, extra);
        }

        String login(String step, String clientId, Map<String, String> extra) {
            String url = side.oauth().authorizeUrl(realm, clientId, redirectOf(clientId), "openid", "st", extra);
            return follow(step, url, redirectOf(clientId));
        }

        /** An authorization request with exactly {@code query} (PAR, JAR). */
        String loginWith(String step, Map<String, String> query) {
            return follow(step, side.endpoint(realm, "auth") + "?" + OAuth.form(query), REDIRECT);
        }

        private String follow(String step, String url, String redirect) {
            HttpLogin.Outcome outcome = new HttpLogin(redirect).authorize(url, DifferentialRealm.ALICE,
                    DifferentialRealm.ALICE_PASSWORD, null);
            seen.callback(step, outcome.callback(), outcome.status(), outcome.page());
            return outcome.code();
        }

        OAuth.TokenResponse redeem(String step, String code, String clientId, String secret, Map<String, String> extra) {
            return redeem(step, code, clientId, secret, extra, Map.of());
        }

        OAuth.TokenResponse redeem(String step, String code, String clientId, String secret, Map<String, String> extra,
                Map<String, String> headers) {
            Map<String, String> form = new LinkedHashMap<>(Map.of("grant_type", "authorization_code",
                    "code", code == null ? "none" : code, "redirect_uri", REDIRECT));
            form.putAll(extra);
            if (secret == null) {
                form.put("client_id", clientId);
                return record(step, side.oauth().token(realm, form, null, null, headers));
            }
            return record(step, side.oauth().token(realm, form, clientId, secret, headers));
        }

        OAuth.TokenResponse password(String step, String clientId, String secret, String scope) {
            return record(step, side.oauth().token(realm, Map.of("grant_type", "password", "username", DifferentialRealm.ALICE,
                    "password", DifferentialRealm.ALICE_PASSWORD, "scope", scope), clientId, secret));
        }

        OAuth.TokenResponse refresh(String step, String refreshToken, String clientId, String secret) {
            return record(step, side.oauth().token(realm, Map.of("grant_type", "refresh_token",
                    "refresh_token", refreshToken == null ? "none" : refreshToken), clientId, secret));
        }

        void revoke(String step, String token, String hint, String clientId, String secret) {
            Map<String, String> form = new LinkedHashMap<>(Map.of("token", token == null ? "none" : token));
            if (hint != null) {
                form.put("token_type_hint", hint);
            }
            record(step, side.post(side.endpoint(realm, "revoke"), form, Map.of("Authorization", basic(clientId, secret))));
        }

        void introspect(String step, String token, String hint, String clientId, String secret) {
            Map<String, String> form = new LinkedHashMap<>(Map.of("token", token == null ? "none" : token));
            if (hint != null) {
                form.put("token_type_hint", hint);
            }
            Map<String, String> headers = new LinkedHashMap<>();
            if (clientId != null && secret != null) {
                headers.put("Authorization", basic(clientId, secret));
            } else if (clientId != null) {
                form.put("client_id", clientId);
            }
            record(step, side.post(side.endpoint(realm, "token/introspect"), form, headers));
        }

        void exchange(String step, String clientId, String secret, String subjectToken, Map<String, String> extra) {
            Map<String, String> form = new LinkedHashMap<>(Map.of("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange",
                    "subject_token", subjectToken == null ? "none" : subjectToken, "subject_token_type", OAuth.ACCESS_TOKEN_TYPE));
            form.putAll(extra);
            record(step, side.oauth().token(realm, form, clientId, secret));
        }

        void clientCredentials(String step, String assertion) {
            record(step, side.post(side.endpoint(realm, "token"), Map.of("grant_type", "client_credentials",
                    "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                    "client_assertion", assertion), Map.of()));
        }

        /** The observation, with the realm's stored user events of the scenario appended. */
        Differential.Observation withEvents() {
            List<JsonNode> events = new ArrayList<>();
            side.admin().get("/realms/" + realm + "/events?max=500").expectOk("events").body().forEach(events::add);
            // oldest first; events of one millisecond by type, so that the order does not depend on the store
            events.sort(Comparator.comparingLong((JsonNode e) -> e.path("time").asLong())
                    .thenComparing(e -> e.path("type").asText()).thenComparing(e -> e.path("error").asText()));
            seen.sequence("events", events);
            return seen;
        }
    }

    /** {@code strict} (OAuth 2.1) asks with a loopback IP literal; the others with the redirect every IT uses. */
    private static String redirectOf(String clientId) {
        return "strict".equals(clientId) ? DifferentialRealm.LOOPBACK_REDIRECT_URI : REDIRECT;
    }

    // ---- requests signed by the client ----

    private static Map<String, String> s256(OAuth.Pkce pkce) {
        return Map.of("code_challenge", pkce.challenge(), "code_challenge_method", "S256");
    }

    private static Map<String, String> jwtAuthentication(String clientId, String tokenUrl) {
        return Map.of("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion", assertion(clientId, tokenUrl, rsaSigner(CLIENT_KEY), JWSAlgorithm.RS256, 60, null));
    }

    /** A client assertion (RFC 7523) by {@code clientId} for {@code audience}, valid for {@code seconds} (past if negative). */
    private static String assertion(String clientId, String audience, JWSSigner signer, JWSAlgorithm alg, int seconds, String subject) {
        Date now = new Date();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(clientId).subject(subject == null ? clientId : subject)
                .audience(audience).jwtID(UUID.randomUUID().toString())
                .issueTime(seconds < 0 ? new Date(now.getTime() - 120_000) : now)
                .expirationTime(new Date(now.getTime() + seconds * 1000L)).build();
        return sign(new JWSHeader.Builder(alg).keyID(alg == JWSAlgorithm.RS256 ? CLIENT_KEY.getKeyID() : null).build(), claims, signer);
    }

    /** A signed request object (RFC 9101) for a PKCE S256 code request by {@code clientId}. */
    private static String requestObject(StockTwin.Side side, String clientId, RSAKey key, OAuth.Pkce pkce) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(clientId).audience(side.issuer(realm))
                .claim("client_id", clientId).claim("response_type", "code").claim("redirect_uri", REDIRECT)
                .claim("scope", "openid").claim("state", "st").claim("code_challenge", pkce.challenge())
                .claim("code_challenge_method", "S256").jwtID(UUID.randomUUID().toString())
                .expirationTime(new Date(System.currentTimeMillis() + 60_000)).build();
        return sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(CLIENT_KEY.getKeyID()).build(), claims, rsaSigner(key));
    }

    private static String unsignedRequestObject(StockTwin.Side side, String clientId) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(clientId).audience(side.issuer(realm))
                .claim("client_id", clientId).claim("response_type", "code").claim("redirect_uri", REDIRECT)
                .claim("scope", "openid").claim("state", "st").build();
        return new com.nimbusds.jwt.PlainJWT(claims).serialize();
    }

    private static String sign(JWSHeader header, JWTClaimsSet claims, JWSSigner signer) {
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    private static RSASSASigner rsaSigner(RSAKey key) {
        try {
            return new RSASSASigner(key);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static MACSigner macSigner() {
        try {
            return new MACSigner(DifferentialRealm.JWT_SECRET);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static RSAKey rsaKey() {
        try {
            return new RSAKeyGenerator(2048).keyID("client-key").keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String basic(String clientId, String secret) {
        String credentials = Admin.encode(clientId) + ":" + Admin.encode(secret == null ? "" : secret);
        return "Basic " + java.util.Base64.getEncoder().encodeToString(credentials.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    // ---- admin views keyed by name, so that one extra entry is one extra path ----

    private static ObjectNode byName(JsonNode list, String key) {
        ObjectNode keyed = Admin.JSON.createObjectNode();
        list.forEach(entry -> keyed.set(entry.path(key).asText(), entry));
        return keyed;
    }

    /** The realm representation without its keys' material (the servers generate their own). */
    private static JsonNode withoutKeys(JsonNode realm) {
        ObjectNode copy = realm.deepCopy();
        copy.remove(List.of("publicKey", "certificate"));
        return copy;
    }
}
