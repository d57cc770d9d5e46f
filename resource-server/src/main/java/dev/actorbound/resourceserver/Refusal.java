package dev.actorbound.resourceserver;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jose.util.JSONObjectUtils;

/**
 * Why a request is not served, the way the client must be told: an HTTP status, an RFC 6750 error code
 * ({@code invalid_request}, {@code invalid_token}, {@code insufficient_scope}; none when the request carried no
 * token), a human description that never repeats token contents, and the scopes the resource would need. Characters
 * RFC 6750 does not allow in them (outside printable ASCII, {@code "}, {@code \}) become {@code ?}.
 *
 * <p>{@link #wwwAuthenticate()} formats the RFC 6750 §3 challenge, with the RFC 9728 {@code resource_metadata}
 * parameter once a {@link ResourceServer} has attached its metadata URL. A {@code 503} (the authorization server's
 * keys or introspection endpoint cannot be reached) carries no challenge: the token may well be fine.
 */
public final class Refusal extends Exception {

    private static final long serialVersionUID = 1L;

    public static final String INVALID_REQUEST = "invalid_request";
    public static final String INVALID_TOKEN = "invalid_token";
    public static final String INSUFFICIENT_SCOPE = "insufficient_scope";
    /** Not an RFC 6750 code: RFC 6749's word for a server that cannot decide now; sent in the body only. */
    public static final String TEMPORARILY_UNAVAILABLE = "temporarily_unavailable";

    private final int status;
    private final String error;
    private final String description;
    private final Set<String> scope;
    private final String resourceMetadata;

    private Refusal(int status, String error, String description, Set<String> scope, String resourceMetadata) {
        super(error == null ? Challenges.quotable(description) : error + ": " + Challenges.quotable(description));
        this.status = status;
        this.error = error;
        // RFC 6750 §3 allows printable ASCII only, and a rule may name a role in any script: the description is made
        // safe once, so the challenge, the body and integrations (Spring's BearerTokenError throws) all agree
        this.description = Challenges.quotable(description);
        Set<String> safeScope = new LinkedHashSet<>();
        scope.forEach(s -> safeScope.add(Challenges.quotable(s)));
        this.scope = Collections.unmodifiableSet(safeScope);
        this.resourceMetadata = resourceMetadata;
    }

    /** 401 without an error code: the request carried no bearer token at all (RFC 6750 §3.1). */
    public static Refusal noToken() {
        return new Refusal(401, null, "a bearer token is required", Set.of(), null);
    }

    /** 400 {@code invalid_request}: a malformed Authorization header, or a token sent in more than one way. */
    public static Refusal invalidRequest(String description) {
        return new Refusal(400, INVALID_REQUEST, description, Set.of(), null);
    }

    /** 401 {@code invalid_token}: expired, revoked, malformed, not for this resource, or not verifiable. */
    public static Refusal invalidToken(String description) {
        return new Refusal(401, INVALID_TOKEN, description, Set.of(), null);
    }

    /**
     * 403 {@code insufficient_scope}: a valid token that this resource's rules do not accept (RFC 6750 §3.1 and the MCP
     * authorization spec both answer it with 403); {@code scope} names what the resource needs, if scopes are the reason.
     */
    public static Refusal insufficientScope(String description, Set<String> scope) {
        return new Refusal(403, INSUFFICIENT_SCOPE, description, scope, null);
    }

    /** 503: the authorization server (keys or introspection) could not be reached; fail closed. */
    public static Refusal unavailable(String description) {
        return new Refusal(503, TEMPORARILY_UNAVAILABLE, description, Set.of(), null);
    }

    /** The same refusal, pointing at the resource's RFC 9728 metadata document. */
    public Refusal withResourceMetadata(String url) {
        return new Refusal(status, error, description, scope, url);
    }

    public int status() {
        return status;
    }

    /** The RFC 6750 error code; null for {@link #noToken()}. */
    public String error() {
        return error;
    }

    public String description() {
        return description;
    }

    /** The scopes the resource would need ({@code insufficient_scope} only); empty otherwise. */
    public Set<String> scope() {
        return scope;
    }

    /**
     * The {@code WWW-Authenticate} value, e.g. {@code Bearer error="invalid_token", error_description="the token has
     * expired", resource_metadata="https://api.example.com/.well-known/oauth-protected-resource"}; null for a 503.
     */
    public String wwwAuthenticate() {
        if (status == 503) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        if (error != null) {
            params.put("error", error);
            params.put("error_description", description);
        }
        if (!scope.isEmpty()) {
            params.put("scope", String.join(" ", List.copyOf(scope)));
        }
        if (resourceMetadata != null) {
            params.put("resource_metadata", resourceMetadata);
        }
        return Challenges.bearer(params);
    }

    /** The JSON body sent with the refusal: {@code {"error": ..., "error_description": ...}}. */
    public String toJson() {
        Map<String, Object> body = new LinkedHashMap<>();
        if (error != null) {
            body.put("error", error);
        }
        body.put("error_description", description);
        return JSONObjectUtils.toJSONString(body);
    }
}
