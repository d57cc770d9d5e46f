package dev.actorbound.keycloak.policy;

import dev.actorbound.keycloak.core.ExpiringCache;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.http.HttpEntity;
import org.apache.http.HttpHeaders;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.client.methods.HttpRequestBase;
import org.apache.http.entity.ContentType;
import org.apache.http.entity.StringEntity;
import org.apache.http.impl.client.CloseableHttpClient;

/**
 * The HTTP side of an AuthZEN evaluation, through Keycloak's pooled client (keep-alive connections, the server's
 * proxy and TLS settings). The realm's timeout bounds the whole exchange, discovery included: every socket wait gets
 * what is left of it, and the request is aborted when it runs out, so a PDP that trickles bytes cannot hold a token
 * request longer either. Redirects are not followed: the credential goes to the configured origin only.
 */
final class AuthZenClient {

    static final String DISCOVERY_PATH = "/.well-known/authzen-configuration";
    static final String DEFAULT_EVALUATIONS_PATH = "/access/v1/evaluations";
    /** AuthZEN answers are small; anything bigger is not one. */
    static final int MAX_ANSWER_BYTES = 256 * 1024;
    /** How long a discovered endpoint is reused before the metadata is read again. */
    static final long ENDPOINT_TTL_MILLIS = TimeUnit.MINUTES.toMillis(5);

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The PDP could not decide: unreachable, too slow, an error status or an answer that is not AuthZEN. */
    static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    private final CloseableHttpClient http;
    private final ExpiringCache<String> endpoints;

    AuthZenClient(CloseableHttpClient http, ExpiringCache<String> endpoints) {
        this.http = http;
        this.endpoints = endpoints;
    }

    /** Sends {@code request} and reads the answer; {@code credential} (may be null) goes as a bearer token. */
    AuthZenAnswer evaluate(PdpSettings settings, AuthZenRequest request, String credential) throws Unavailable {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.timeoutMillis());
        HttpPost post = new HttpPost(evaluationsEndpoint(settings, deadline));
        post.setHeader(HttpHeaders.ACCEPT, ContentType.APPLICATION_JSON.getMimeType());
        if (credential != null) {
            post.setHeader(HttpHeaders.AUTHORIZATION, "Bearer " + credential);
        }
        post.setEntity(new StringEntity(request.json(), ContentType.APPLICATION_JSON));
        Reply reply = send(post, deadline, settings);
        if (reply.status() / 100 != 2) {
            throw new Unavailable("the PDP answered HTTP " + reply.status());
        }
        return AuthZenAnswer.parse(reply.body(), request.size()).orElseThrow(() -> new Unavailable(
                "the PDP's answer is not an AuthZEN evaluations answer with " + request.size() + " decisions"));
    }

    /**
     * The endpoint the PDP's metadata names, if it has metadata (AuthZEN §13); otherwise the default path. An
     * endpoint on another origin is refused: the credential must not follow a document elsewhere.
     */
    private String evaluationsEndpoint(PdpSettings settings, long deadline) throws Unavailable {
        Optional<String> known = endpoints.get(settings.url());
        if (known.isPresent()) {
            return known.get();
        }
        HttpGet get = new HttpGet(settings.url() + DISCOVERY_PATH);
        get.setHeader(HttpHeaders.ACCEPT, ContentType.APPLICATION_JSON.getMimeType());
        Reply reply = send(get, deadline, settings);
        String endpoint = settings.url() + DEFAULT_EVALUATIONS_PATH;
        if (reply.status() == 200) {
            JsonNode named = readJson(reply.body()).path("access_evaluations_endpoint");
            if (named.isTextual()) {
                if (!sameOrigin(settings.url(), named.asText())) {
                    throw new Unavailable("the PDP's metadata names an evaluations endpoint on another origin");
                }
                endpoint = named.asText();
            }
        }
        endpoints.put(settings.url(), endpoint, ENDPOINT_TTL_MILLIS);
        return endpoint;
    }

    private record Reply(int status, String body) {
    }

    private Reply send(HttpRequestBase request, long deadline, PdpSettings settings) throws Unavailable {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
            throw timedOut(settings);
        }
        int millis = (int) Math.max(1, left);
        request.setConfig(RequestConfig.custom().setConnectTimeout(millis).setConnectionRequestTimeout(millis)
                .setSocketTimeout(millis).setRedirectsEnabled(false).build());
        CompletableFuture<Void> abort = CompletableFuture.runAsync(request::abort,
                CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS));
        try (CloseableHttpResponse response = http.execute(request)) {
            return new Reply(response.getStatusLine().getStatusCode(), read(response.getEntity()));
        } catch (IOException e) {
            if (System.nanoTime() - deadline >= 0 || request.isAborted()) {
                throw timedOut(settings);
            }
            throw new Unavailable("the PDP could not be reached (" + e.getClass().getSimpleName() + ")");
        } finally {
            abort.cancel(false);
        }
    }

    private static Unavailable timedOut(PdpSettings settings) {
        return new Unavailable("the PDP did not answer within " + settings.timeoutMillis() + " ms");
    }

    /** Reads the whole body (so that the connection goes back to the pool), at most {@link #MAX_ANSWER_BYTES}. */
    private static String read(HttpEntity entity) throws IOException, Unavailable {
        if (entity == null) {
            return "";
        }
        try (InputStream in = entity.getContent()) {
            byte[] bytes = in.readNBytes(MAX_ANSWER_BYTES + 1);
            if (bytes.length > MAX_ANSWER_BYTES) {
                throw new Unavailable("the PDP's answer is larger than " + MAX_ANSWER_BYTES + " bytes");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private static JsonNode readJson(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException | RuntimeException notJson) {
            return JSON.missingNode();
        }
    }

    static boolean sameOrigin(String base, String other) {
        try {
            URI a = URI.create(base);
            URI b = URI.create(other);
            return a.getScheme() != null && a.getScheme().equalsIgnoreCase(b.getScheme())
                    && a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost()) && port(a) == port(b);
        } catch (IllegalArgumentException malformed) {
            return false;
        }
    }

    private static int port(URI uri) {
        return uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }
}
