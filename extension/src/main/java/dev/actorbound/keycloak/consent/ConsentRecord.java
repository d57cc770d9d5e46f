package dev.actorbound.keycloak.consent;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.keycloak.representations.JsonWebToken;

/**
 * The signed form of a consent. It is signed with the realm's internal HMAC key so that a user who may edit
 * their own attributes (a realm with unmanaged attributes enabled) still cannot forge or move a consent, and it
 * names the state of the agent's stock consent (the mirror) it was written for, so that an old value written back
 * after a revocation counts for nothing (see {@link UserAttributeConsentStore}).
 */
public final class ConsentRecord extends JsonWebToken {

    private static final String TYPE = "actorbound-consent";

    @JsonProperty("app")
    private String app;

    @JsonProperty("agent")
    private String agent;

    @JsonProperty("scopes")
    private List<String> scopes;

    /** When the user consented (epoch seconds); unchanged when the record is bound to a newer mirror. */
    @JsonProperty("granted_at")
    private long grantedAt;

    /** The last-updated time (epoch milliseconds) of the mirror this record belongs to. */
    @JsonProperty("mirror")
    private long mirror;

    public ConsentRecord() {
    }

    ConsentRecord(String userId, String app, String agent, List<String> scopes, long grantedAt, long mirror) {
        subject(userId);
        issuedNow();
        type(TYPE);
        this.app = app;
        this.agent = agent;
        this.scopes = List.copyOf(scopes);
        this.grantedAt = grantedAt;
        this.mirror = mirror;
    }

    /** The same consent, written for another state of the mirror. */
    ConsentRecord boundTo(long newMirror) {
        return new ConsentRecord(getSubject(), app, agent, scopes(), grantedAt, newMirror);
    }

    boolean isFor(String userId, String appUuid, String agentUuid, long currentMirror) {
        return TYPE.equals(getType()) && userId.equals(getSubject()) && appUuid.equals(app) && agentUuid.equals(agent)
                && mirror == currentMirror;
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

    long grantedAt() {
        return grantedAt;
    }
}
