package dev.actorbound.keycloak.exchange;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import org.keycloak.util.JsonSerialization;

/**
 * Reads whether a token claims to be delegated, without verifying it. Used only to decide which provider
 * handles an exchange (a side-effect-free {@code supports}): verification comes after, in the provider.
 */
final class SubjectTokenPeek {

    private SubjectTokenPeek() {
    }

    static boolean carriesAct(String token) {
        if (token == null) {
            return false;
        }
        String[] parts = token.split("\\.");
        if (parts.length < 2) {
            return false;
        }
        try {
            Map<?, ?> payload = JsonSerialization.readValue(Base64.getUrlDecoder().decode(parts[1]), Map.class);
            return payload.containsKey("act");
        } catch (java.io.IOException | IllegalArgumentException e) {
            return false;
        }
    }
}
