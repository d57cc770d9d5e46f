package dev.actorbound.keycloak.consent;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;

/**
 * Keeps each consent as a signed user attribute {@code actorbound.consent.<app uuid>.<agent uuid>}. User
 * attributes need no schema, travel with realm export, survive restarts on every database and are deleted
 * with the user. A value whose signature, user, app or agent does not match counts as no consent.
 */
public final class UserAttributeConsentStore implements ConsentStore {

    static final String PREFIX = "actorbound.consent.";

    private final KeycloakSession session;

    public UserAttributeConsentStore(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public Optional<AgentConsent> find(UserModel user, String appUuid, String agentUuid) {
        return user.getAttributeStream(key(appUuid, agentUuid)).findFirst()
                .map(value -> session.tokens().decode(value, ConsentRecord.class))
                .filter(record -> record.isFor(user.getId(), appUuid, agentUuid))
                .map(UserAttributeConsentStore::toConsent);
    }

    @Override
    public void grant(UserModel user, String appUuid, String agentUuid, Set<String> scopes) {
        ConsentRecord record = new ConsentRecord(user.getId(), appUuid, agentUuid, List.copyOf(new TreeSet<>(scopes)));
        user.setSingleAttribute(key(appUuid, agentUuid), session.tokens().encode(record));
    }

    @Override
    public boolean revoke(UserModel user, String appUuid, String agentUuid) {
        String key = key(appUuid, agentUuid);
        boolean present = user.getFirstAttribute(key) != null;
        user.removeAttribute(key);
        return present;
    }

    @Override
    public List<AgentConsent> list(UserModel user) {
        return user.getAttributes().entrySet().stream()
                .filter(e -> e.getKey().startsWith(PREFIX))
                .map(Map.Entry::getValue)
                .filter(values -> !values.isEmpty())
                .map(values -> session.tokens().decode(values.get(0), ConsentRecord.class))
                .filter(record -> record != null && record.isFor(user.getId(), record.app(), record.agent()))
                .map(UserAttributeConsentStore::toConsent)
                .toList();
    }

    static String key(String appUuid, String agentUuid) {
        return PREFIX + appUuid + "." + agentUuid;
    }

    private static AgentConsent toConsent(ConsentRecord record) {
        long grantedAt = record.getIat() == null ? 0L : record.getIat();
        return new AgentConsent(record.app(), record.agent(), Set.copyOf(record.scopes()), grantedAt);
    }
}
