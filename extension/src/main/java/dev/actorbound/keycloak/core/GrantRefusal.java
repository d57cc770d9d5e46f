package dev.actorbound.keycloak.core;

import jakarta.ws.rs.core.Response;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.services.CorsErrorResponseException;
import org.keycloak.services.cors.Cors;

/** One refusal of a token request: the event (error + reason) and the OAuth error response, always both. */
public final class GrantRefusal {

    private final EventBuilder event;
    private final Cors cors;

    public GrantRefusal(EventBuilder event, Cors cors) {
        this.event = event;
        this.cors = cors;
    }

    public CorsErrorResponseException refuse(String oauthError, String eventError, String description) {
        return refuse(oauthError, eventError, description, Response.Status.BAD_REQUEST);
    }

    public CorsErrorResponseException refuse(String oauthError, String eventError, String description, Response.Status status) {
        event.detail(Details.REASON, description);
        event.error(eventError);
        return new CorsErrorResponseException(cors, oauthError, description, status);
    }
}
