package dev.actorbound.demo;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Where the demo finds Keycloak and where it listens: {@code --keycloak=http://localhost:8080 --realm=demo
 * --api=http://localhost:8090/mcp --callback-port=8089} are the defaults, matching {@code run-demo.sh} and the demo
 * realm (its app accepts redirects to {@code http://localhost:8089/*}; the Travel API's {@code resource_url} is
 * {@code http://localhost:8090/mcp}).
 */
public record DemoSettings(String keycloak, String realm, String apiResource, int callbackPort) {

    public static final DemoSettings DEFAULTS = new DemoSettings("http://localhost:8080", "demo", "http://localhost:8090/mcp", 8089);

    public static DemoSettings parse(String[] args) {
        Map<String, String> given = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("unknown argument " + arg + " (use --name=value)");
            }
            given.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        DemoSettings settings = new DemoSettings(strip(given.getOrDefault("keycloak", DEFAULTS.keycloak)),
                given.getOrDefault("realm", DEFAULTS.realm), given.getOrDefault("api", DEFAULTS.apiResource),
                Integer.parseInt(given.getOrDefault("callback-port", String.valueOf(DEFAULTS.callbackPort))));
        given.keySet().removeAll(Set.of("keycloak", "realm", "api", "callback-port"));
        if (!given.isEmpty()) {
            throw new IllegalArgumentException("unknown option(s) " + given.keySet());
        }
        return settings;
    }

    String issuer() {
        return keycloak + "/realms/" + realm;
    }

    String endpoint(String path) {
        return issuer() + "/protocol/openid-connect/" + path;
    }

    String redirectUri() {
        return "http://localhost:" + callbackPort + "/callback";
    }

    String myAgentsUrl() {
        return issuer() + "/actorbound/my-agents";
    }

    String accountConsoleUrl() {
        return issuer() + "/account/applications";
    }

    private static String strip(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
