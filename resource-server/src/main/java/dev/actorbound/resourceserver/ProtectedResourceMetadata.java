package dev.actorbound.resourceserver;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.util.JSONObjectUtils;

/**
 * The RFC 9728 protected-resource metadata document: which resource this is, which authorization servers issue its
 * tokens, which scopes it knows, how it takes a token (in the Authorization header only). Clients such as MCP
 * clients read it from {@link #wellKnownUrl()}, which every refusal's challenge names in {@code resource_metadata}.
 */
public final class ProtectedResourceMetadata {

    /** RFC 9728 §3: the well-known suffix, inserted between the host and the path of the resource identifier. */
    public static final String WELL_KNOWN = "/.well-known/oauth-protected-resource";

    private final URI resource;
    private final List<String> authorizationServers;
    private final List<String> scopesSupported;
    private final String resourceName;

    ProtectedResourceMetadata(URI resource, List<String> authorizationServers, List<String> scopesSupported,
                              String resourceName) {
        if (!resource.isAbsolute() || resource.getRawFragment() != null || resource.getRawQuery() != null) {
            throw new IllegalArgumentException("a resource identifier is an absolute URL without query or fragment (RFC 9728 §1.2)");
        }
        this.resource = resource;
        this.authorizationServers = List.copyOf(authorizationServers);
        this.scopesSupported = List.copyOf(scopesSupported);
        this.resourceName = resourceName;
    }

    public String resource() {
        return resource.toString();
    }

    /** The path at which the document is served: {@code /.well-known/oauth-protected-resource} + the resource's path. */
    public String wellKnownPath() {
        String path = resource.getRawPath();
        return path == null || path.isEmpty() || "/".equals(path) ? WELL_KNOWN : WELL_KNOWN + path;
    }

    /** Where clients fetch the document, e.g. {@code https://api.example.com/.well-known/oauth-protected-resource/mcp}. */
    public String wellKnownUrl() {
        return resource.getScheme() + "://" + resource.getRawAuthority() + wellKnownPath();
    }

    /** The document, as served with {@code Content-Type: application/json}. */
    public String toJson() {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("resource", resource());
        document.put("authorization_servers", authorizationServers);
        if (!scopesSupported.isEmpty()) {
            document.put("scopes_supported", scopesSupported);
        }
        document.put("bearer_methods_supported", List.of("header"));
        if (resourceName != null) {
            document.put("resource_name", resourceName);
        }
        return JSONObjectUtils.toJSONString(document);
    }
}
