package dev.actorbound.resourceserver;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import com.nimbusds.jose.JWSAlgorithm;

/**
 * One API protected by delegated tokens of one Keycloak realm: verifies the bearer token of a request (against the
 * realm's JWKS, or by introspection), applies the {@link DelegationRules}, and says what to answer when it refuses
 * ({@link Refusal#status()}, {@link Refusal#wwwAuthenticate()} with {@code resource_metadata}, {@link Refusal#toJson()}).
 * It also holds the RFC 9728 metadata document to serve at {@link #metadataPath()}. Thread-safe; build one per API.
 *
 * <pre>{@code
 * ResourceServer api = ResourceServer.builder()
 *         .issuer("https://id.example.org/realms/demo")
 *         .audience("travel-api")
 *         .resource("https://api.example.org/trips")
 *         .rules(DelegationRules.builder().requireScopes("trips.read").maxDepth(2).build())
 *         .build();
 * DelegatedPrincipal who = api.authenticate(request.getHeader("Authorization")); // or catch Refusal
 * }</pre>
 */
public final class ResourceServer {

    private final TokenVerifier verifier;
    private final DelegationRules rules;
    private final ProtectedResourceMetadata metadata;

    private ResourceServer(TokenVerifier verifier, DelegationRules rules, ProtectedResourceMetadata metadata) {
        this.verifier = verifier;
        this.rules = rules;
        this.metadata = metadata;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The principal of a request's {@code Authorization} header value (null if the request had none), checked against
     * this resource's rules.
     *
     * @throws Refusal what to answer instead, its challenge naming this resource's metadata
     */
    public DelegatedPrincipal authenticate(String authorizationHeader) throws Refusal {
        return authenticate(authorizationHeader, rules);
    }

    /** As {@link #authenticate(String)}, with the rules of one route instead of the resource's. */
    public DelegatedPrincipal authenticate(String authorizationHeader, DelegationRules routeRules) throws Refusal {
        try {
            DelegatedPrincipal principal = verifier.verify(BearerToken.fromAuthorizationHeader(authorizationHeader));
            routeRules.check(principal);
            return principal;
        } catch (Refusal refusal) {
            throw refusal.withResourceMetadata(metadata.wellKnownUrl());
        }
    }

    /** A refusal of this resource that did not come from {@link #authenticate} (e.g. the app's own rule). */
    public Refusal refuse(Refusal refusal) {
        return refusal.withResourceMetadata(metadata.wellKnownUrl());
    }

    public ProtectedResourceMetadata metadata() {
        return metadata;
    }

    /** The path to serve {@link #metadata()} at (RFC 9728 §3.1). */
    public String metadataPath() {
        return metadata.wellKnownPath();
    }

    /** Configures a {@link ResourceServer}; {@link #issuer}, {@link #audience} and {@link #resource} are required. */
    public static final class Builder {

        private String issuer;
        private final Set<String> audiences = new LinkedHashSet<>();
        private URI resource;
        private final List<String> scopesSupported = new ArrayList<>();
        private String resourceName;
        private DelegationRules rules = DelegationRules.none();
        private URI jwksUri;
        private Set<JWSAlgorithm> algorithms = JwksTokenVerifier.ASYMMETRIC;
        private Duration keyCacheTtl = Duration.ofMinutes(10);
        private Duration keyRefetchInterval = Duration.ofSeconds(30);
        private Duration clockSkew = Duration.ofSeconds(30);
        private Duration httpTimeout = Duration.ofSeconds(5);
        private String introspectionClientId;
        private String introspectionClientSecret;
        private URI introspectionEndpoint;
        private Duration introspectionCacheTtl = Duration.ofSeconds(10);
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** The realm's issuer, exactly as in its tokens' {@code iss}: {@code https://host/realms/<realm>}. */
        public Builder issuer(String issuer) {
            this.issuer = Objects.requireNonNull(issuer, "issuer");
            return this;
        }

        /**
         * An {@code aud} value that names this API (its client id in Keycloak, or its resource URL). A token must name
         * at least one of them. Call again to accept more.
         */
        public Builder audience(String... audience) {
            audiences.addAll(List.of(audience));
            return this;
        }

        /** The RFC 9728 resource identifier: this API's URL as clients know it, e.g. {@code https://api.example.org/trips}. */
        public Builder resource(String resource) {
            this.resource = URI.create(resource);
            return this;
        }

        /** Scopes to list in the metadata document. */
        public Builder scopesSupported(String... scopes) {
            scopesSupported.addAll(List.of(scopes));
            return this;
        }

        /** A human-readable name for the metadata document. */
        public Builder resourceName(String name) {
            this.resourceName = name;
            return this;
        }

        /** The rules every request must pass (default: {@link DelegationRules#none()}). */
        public Builder rules(DelegationRules rules) {
            this.rules = Objects.requireNonNull(rules, "rules");
            return this;
        }

        /** The JWKS URL; default: Keycloak's, {@code <issuer>/protocol/openid-connect/certs}. */
        public Builder jwksUri(String uri) {
            this.jwksUri = URI.create(uri);
            return this;
        }

        /** Accepted signature algorithms, a subset of RS*, PS* and ES* (the default: all of them). */
        public Builder algorithms(String... names) {
            Set<JWSAlgorithm> chosen = new LinkedHashSet<>();
            for (String name : names) {
                JWSAlgorithm algorithm = JWSAlgorithm.parse(name);
                if (!JwksTokenVerifier.ASYMMETRIC.contains(algorithm)) {
                    throw new IllegalArgumentException(name + " is not an accepted asymmetric signature algorithm");
                }
                chosen.add(algorithm);
            }
            this.algorithms = Set.copyOf(chosen);
            return this;
        }

        /**
         * How long fetched keys are trusted (default 10 minutes), and how soon a token with an unknown key may make
         * the cache fetch again (default 30 seconds, at most the TTL).
         */
        public Builder keyCache(Duration ttl, Duration refetchInterval) {
            if (refetchInterval.compareTo(ttl) > 0 || refetchInterval.isNegative()) {
                throw new IllegalArgumentException("the refetch interval must be between zero and the key cache TTL");
            }
            this.keyCacheTtl = ttl;
            this.keyRefetchInterval = refetchInterval;
            return this;
        }

        /** Tolerance for {@code exp}, {@code nbf} and {@code iat} against this host's clock (default 30 seconds). */
        public Builder clockSkew(Duration skew) {
            if (skew.isNegative() || skew.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new IllegalArgumentException("the clock skew must be between zero and five minutes");
            }
            this.clockSkew = skew;
            return this;
        }

        /** Connect and answer timeout for the JWKS and introspection endpoints (default 5 seconds). */
        public Builder httpTimeout(Duration timeout) {
            this.httpTimeout = timeout;
            return this;
        }

        /**
         * Introspection mode (RFC 7662): every token is checked at the realm's introspection endpoint, authenticated as
         * this API's confidential client, so that a revocation shows on the next call (after at most the cache TTL).
         */
        public Builder introspection(String clientId, String clientSecret) {
            this.introspectionClientId = Objects.requireNonNull(clientId, "clientId");
            this.introspectionClientSecret = Objects.requireNonNull(clientSecret, "clientSecret");
            return this;
        }

        /** The introspection URL; default: Keycloak's, {@code <issuer>/protocol/openid-connect/token/introspect}. */
        public Builder introspectionEndpoint(String uri) {
            this.introspectionEndpoint = URI.create(uri);
            return this;
        }

        /** How long an introspection answer is reused (default 10 seconds; zero: ask every time). */
        public Builder introspectionCacheTtl(Duration ttl) {
            if (ttl.isNegative()) {
                throw new IllegalArgumentException("the introspection cache TTL must not be negative");
            }
            this.introspectionCacheTtl = ttl;
            return this;
        }

        /** The clock for token times and caches (tests). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public ResourceServer build() {
            if (issuer == null || audiences.isEmpty() || resource == null) {
                throw new IllegalStateException("a resource server needs an issuer, an audience and a resource identifier");
            }
            ClaimsValidator claims = new ClaimsValidator(issuer, audiences, clockSkew, clock);
            String realm = stripTrailingSlash(issuer);
            Http http = new Http(httpTimeout);
            TokenVerifier verifier;
            if (introspectionClientId != null) {
                URI endpoint = introspectionEndpoint != null ? introspectionEndpoint
                        : URI.create(realm + "/protocol/openid-connect/token/introspect");
                verifier = new IntrospectionTokenVerifier(endpoint, introspectionClientId, introspectionClientSecret,
                        http, claims, introspectionCacheTtl);
            } else {
                URI keys = jwksUri != null ? jwksUri : URI.create(realm + "/protocol/openid-connect/certs");
                verifier = new JwksTokenVerifier(new JwksCache(keys, http, keyCacheTtl, keyRefetchInterval, clock),
                        algorithms, claims);
            }
            ProtectedResourceMetadata metadata = new ProtectedResourceMetadata(resource, List.of(issuer),
                    scopesSupported, resourceName);
            return new ResourceServer(verifier, rules, metadata);
        }

        private static String stripTrailingSlash(String value) {
            return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
        }
    }
}
