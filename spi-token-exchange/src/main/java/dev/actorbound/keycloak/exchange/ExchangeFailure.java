package dev.actorbound.keycloak.exchange;

import jakarta.ws.rs.core.Response;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.services.CorsErrorResponseException;
import org.keycloak.services.cors.Cors;

/** One refusal: the event (error + reason) and the RFC 8693 error response, always both. */
final class ExchangeFailure {

    private final EventBuilder event;
    private final Cors cors;

    ExchangeFailure(EventBuilder event, Cors cors) {
        this.event = event;
        this.cors = cors;
    }

    CorsErrorResponseException refuse(String oauthError, String eventError, String description) {
        event.detail(Details.REASON, description);
        event.error(eventError);
        return new CorsErrorResponseException(cors, oauthError, description, Response.Status.BAD_REQUEST);
    }
}
