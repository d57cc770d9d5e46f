package dev.actorbound.keycloak.core;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.Urls;

/**
 * A realm's issuer as the request being served names it. Building it takes a URI builder, and one token request
 * asks several times (the exchange's {@code supports}, the guard against delegated input, the actor token's check),
 * so it is built once per request: a Keycloak session is one request, with one base URI.
 */
public final class RealmIssuer {

    private static final String ATTRIBUTE = RealmIssuer.class.getName() + "/";

    private RealmIssuer() {
    }

    public static String of(KeycloakSession session, RealmModel realm) {
        String key = ATTRIBUTE + realm.getId();
        String issuer = session.getAttribute(key, String.class);
        if (issuer == null) {
            issuer = Urls.realmIssuer(session.getContext().getUri().getBaseUri(), realm.getName());
            session.setAttribute(key, issuer);
        }
        return issuer;
    }
}
