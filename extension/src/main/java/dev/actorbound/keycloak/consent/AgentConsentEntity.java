package dev.actorbound.keycloak.consent;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/**
 * One row per (realm, user, app, agent): what the user granted to the agent acting through the app. The schema, with
 * its unique key, indexes and cascade, is {@code META-INF/actorbound-consent-changelog.xml}: Keycloak never generates
 * one from annotations, so these only map the columns.
 *
 * <p>{@code MIRROR_STAMP} is the last-updated time of the agent's stock consent (the mirror, see {@link ConsentMirror})
 * when the row was written: a row counts only while the mirror still has that time, so "Remove access" in the account
 * console revokes at once, and a mirror created again later does not bring old rows back. Whatever changes which rows
 * count moves the mirror on, so the time also names one state of a user's rows for an agent ({@link CountingConsents}).
 */
@Entity
@Table(name = "ACTORBOUND_AGENT_CONSENT")
@NamedQueries({
        @NamedQuery(name = AgentConsentEntity.OF_USER, query = "select c from AgentConsentEntity c where c.realmId = :realm"
                + " and c.userId = :user order by c.agentId, c.appId"),
        @NamedQuery(name = AgentConsentEntity.OF_USER_AND_AGENT, query = "select c from AgentConsentEntity c"
                + " where c.realmId = :realm and c.userId = :user and c.agentId = :agent"),
        @NamedQuery(name = AgentConsentEntity.NAMING_CLIENT, query = "select c from AgentConsentEntity c"
                + " where c.realmId = :realm and (c.appId = :client or c.agentId = :client)"),
        @NamedQuery(name = AgentConsentEntity.OF_REALM, query = "select c from AgentConsentEntity c where c.realmId = :realm"
                + " order by c.userId, c.agentId, c.appId"),
        @NamedQuery(name = AgentConsentEntity.DELETE_OF_USER, query = "delete from AgentConsentEntity c"
                + " where c.realmId = :realm and c.userId = :user")
})
public class AgentConsentEntity {

    static final String OF_USER = "actorboundConsentsOfUser";
    static final String OF_USER_AND_AGENT = "actorboundConsentsOfUserAndAgent";
    static final String NAMING_CLIENT = "actorboundConsentsNamingClient";
    static final String OF_REALM = "actorboundConsentsOfRealm";
    static final String DELETE_OF_USER = "actorboundDeleteConsentsOfUser";

    @Id
    @Column(name = "ID", length = 36)
    private String id;

    @Column(name = "REALM_ID", nullable = false, length = 36)
    private String realmId;

    /** No foreign key: a user of a federation provider that imports nothing has no row in {@code USER_ENTITY}. */
    @Column(name = "USER_ID", nullable = false, length = 255)
    private String userId;

    @Column(name = "APP_ID", nullable = false, length = 36)
    private String appId;

    @Column(name = "AGENT_ID", nullable = false, length = 36)
    private String agentId;

    /** The granted scope names as a JSON array, sorted. */
    @Column(name = "SCOPES", nullable = false)
    private String scopes;

    /** Epoch milliseconds: the mirror's last-updated time this row is bound to. */
    @Column(name = "MIRROR_STAMP", nullable = false)
    private long mirrorStamp;

    /** Epoch seconds: when the user last consented (the consent page, or the import of an earlier consent). */
    @Column(name = "GRANTED_AT", nullable = false)
    private long grantedAt;

    /** Epoch seconds: when the row last changed for any reason (consent, migration, import). */
    @Column(name = "UPDATED_AT", nullable = false)
    private long updatedAt;

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    public String getRealmId() {
        return realmId;
    }

    public void setRealmId(String realmId) {
        this.realmId = realmId;
    }

    public String getUserId() {
        return userId;
    }

    public void setUserId(String userId) {
        this.userId = userId;
    }

    public String getAppId() {
        return appId;
    }

    public void setAppId(String appId) {
        this.appId = appId;
    }

    public String getAgentId() {
        return agentId;
    }

    public void setAgentId(String agentId) {
        this.agentId = agentId;
    }

    public String getScopes() {
        return scopes;
    }

    public void setScopes(String scopes) {
        this.scopes = scopes;
    }

    public long getMirrorStamp() {
        return mirrorStamp;
    }

    public void setMirrorStamp(long mirrorStamp) {
        this.mirrorStamp = mirrorStamp;
    }

    public long getGrantedAt() {
        return grantedAt;
    }

    public void setGrantedAt(long grantedAt) {
        this.grantedAt = grantedAt;
    }

    public long getUpdatedAt() {
        return updatedAt;
    }

    public void setUpdatedAt(long updatedAt) {
        this.updatedAt = updatedAt;
    }
}
