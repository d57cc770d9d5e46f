package dev.actorbound.keycloak.audit;

import java.util.ArrayList;
import java.util.List;

import dev.actorbound.keycloak.core.AgentResolver;
import org.jboss.logging.Logger;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * Writes one JSON line per delegation event to the {@value AuditLogEventListenerProviderFactory#CATEGORY} log
 * category. The line is rendered when the event arrives (the event object may be reused afterwards) and written once
 * the transaction commits: a success event of a request that then fails is not a delegation that happened. Error
 * events arrive in a transaction of their own, so they are written even though the request fails.
 */
final class AuditLogEventListenerProvider implements EventListenerProvider {

    private static final Logger LOG = Logger.getLogger(AuditLogEventListenerProviderFactory.CATEGORY);

    private final KeycloakSession session;
    private final boolean includeIpAddress;
    private final PendingLines pending = new PendingLines();

    AuditLogEventListenerProvider(KeycloakSession session, boolean includeIpAddress) {
        this.session = session;
        this.includeIpAddress = includeIpAddress;
        session.getTransactionManager().enlistAfterCompletion(pending);
    }

    @Override
    public void onEvent(Event event) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        DelegationEvent.of(event, this::clientIsAgent)
                .map(delegation -> AuditLine.render(delegation, includeIpAddress))
                .ifPresent(pending.lines::add);
    }

    /**
     * Admin events are not delegations: changes to an agent are stock client updates, which Keycloak's admin events
     * already record in full.
     */
    @Override
    public void onEvent(AdminEvent event, boolean includeRepresentation) {
    }

    private boolean clientIsAgent(Event event) {
        RealmModel realm = session.realms().getRealm(event.getRealmId());
        return realm != null && new AgentResolver(session, realm).byClientId(event.getClientId()).isPresent();
    }

    @Override
    public void close() {
    }

    private static final class PendingLines extends AbstractKeycloakTransaction {

        private final List<String> lines = new ArrayList<>();

        @Override
        protected void commitImpl() {
            lines.forEach(LOG::info);
            lines.clear();
        }

        @Override
        protected void rollbackImpl() {
            lines.clear();
        }
    }
}
