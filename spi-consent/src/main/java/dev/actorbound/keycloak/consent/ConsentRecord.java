package dev.actorbound.keycloak.consent;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.keycloak.representations.JsonWebToken;

/**
 * The signed form of a consent. It is signed with the realm's internal HMAC key so that a user who may edit
 * their own attributes (a realm with unmanaged attributes enabled) still cannot forge or move a consent.
 */
public final class ConsentRecord extends JsonWebToken {

    @JsonProperty("app")
    private String app;

    @JsonProperty("agent")
    private String agent;

    @JsonProperty("scopes")
    private List<String> scopes;

    public ConsentRecord() {
    }

    ConsentRecord(String userId, String app, String agent, List<String> scopes) {
        subject(userId);
        issuedNow();
        type("actorbound-consent");
        this.app = app;
        this.agent = agent;
        this.scopes = List.copyOf(scopes);
    }

    boolean isFor(String userId, String appUuid, String agentUuid) {
        return "actorbound-consent".equals(getType()) && userId.equals(getSubject())
                && appUuid.equals(app) && agentUuid.equals(agent);
    }

    String app() {
        return app;
    }

    String agent() {
        return agent;
    }

    List<String> scopes() {
        return scopes == null ? List.of() : scopes;
    }
}
