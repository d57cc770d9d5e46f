package dev.actorbound.keycloak.consent;

import dev.actorbound.keycloak.core.Agent;
import dev.actorbound.keycloak.core.AgentConsent;
import dev.actorbound.keycloak.core.AgentResolver;
import dev.actorbound.keycloak.core.ConsentStore;
import dev.actorbound.keycloak.core.StorableText;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.events.admin.OperationType;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.ErrorResponse;
import org.keycloak.services.ErrorResponseException;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * {@code /admin/realms/<realm>/actorbound-consents}: the realm's agent consents as JSON ({@code GET}) and back
 * ({@code POST}), because Keycloak's realm export knows nothing of the consent table. Reading needs the right to view
 * users; writing, like Keycloak's partial import, the rights to manage the realm and its users. An import is all or
 * nothing: one entry that names no user, no app or no agent of this realm refuses the whole request.
 */
public final class ConsentTransferResource {

    /** More would be a bulk load, not an import of one realm's consents at a time. */
    static final int MAX_ENTRIES = 10_000;
    private static final int MAX_SCOPES = 100;

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminPermissionEvaluator auth;
    private final AdminEventBuilder adminEvent;

    ConsentTransferResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth, AdminEventBuilder adminEvent) {
        this.session = session;
        this.realm = realm;
        this.auth = auth;
        this.adminEvent = adminEvent;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<ConsentTransfer> export() {
        auth.users().requireView();
        return table().export(realm).stream().map(this::transfer).flatMap(Optional::stream).toList();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Integer> restore(List<ConsentTransfer> entries) {
        auth.realm().requireManageRealm();
        auth.users().requireManage();
        JpaConsentStore table = table();
        if (entries == null || entries.size() > MAX_ENTRIES) {
            throw refused("Send a JSON array of at most " + MAX_ENTRIES + " consents.");
        }
        List<Runnable> writes = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            writes.add(resolve(table, i, entries.get(i)));
        }
        writes.forEach(Runnable::run);
        adminEvent.operation(OperationType.ACTION).resource(ConsentTransferResourceProviderFactory.PROVIDER_ID)
                .resourcePath(session.getContext().getUri()).detail("imported", String.valueOf(writes.size())).success();
        return Map.of("imported", writes.size());
    }

    /** The write for one entry, once every name in it is known; refuses the request otherwise. */
    private Runnable resolve(JpaConsentStore table, int index, ConsentTransfer entry) {
        String where = "Entry " + index + ": ";
        if (entry == null || entry.username() == null || entry.app() == null || entry.agent() == null
                || entry.scopes() == null || entry.scopes().size() > MAX_SCOPES
                || entry.scopes().stream().anyMatch(scope -> scope == null || scope.isBlank())) {
            throw refused(where + "needs username, app, agent and a list of at most " + MAX_SCOPES + " scope names.");
        }
        if (!StorableText.storable(entry.username(), entry.app(), entry.agent())
                || !StorableText.storable(entry.scopes().toArray(String[]::new))) {
            throw refused(where + "a name or scope " + StorableText.REFUSED_TEXT + ".");
        }
        UserModel user = session.users().getUserByUsername(realm, entry.username());
        ClientModel app = realm.getClientByClientId(entry.app());
        Optional<ClientModel> agent = new AgentResolver(session, realm).byClientId(entry.agent()).map(Agent::client);
        if (user == null || app == null || agent.isEmpty()) {
            throw refused(where + (user == null ? "no user " + entry.username() : app == null ? "no client " + entry.app()
                    : "no agent " + entry.agent()) + " in this realm.");
        }
        AgentConsent consent = new AgentConsent(app.getId(), agent.get().getId(), Set.copyOf(entry.scopes()), entry.grantedAt());
        return () -> table.restore(realm, user.getId(), consent);
    }

    private Optional<ConsentTransfer> transfer(JpaConsentStore.UserConsent stored) {
        UserModel user = session.users().getUserById(realm, stored.userId());
        ClientModel app = realm.getClientById(stored.consent().appUuid());
        ClientModel agent = realm.getClientById(stored.consent().agentUuid());
        return user == null || app == null || agent == null ? Optional.empty()
                : Optional.of(new ConsentTransfer(user.getUsername(), app.getClientId(), agent.getClientId(),
                        stored.consent().scopes().stream().sorted().toList(), stored.consent().grantedAt()));
    }

    /** The export and import read and write the table; the user-attribute store's records travel in the realm export. */
    private JpaConsentStore table() {
        if (ConsentStore.of(session) instanceof JpaConsentStore table) {
            return table;
        }
        throw ErrorResponse.error("Agent consents are kept in user attributes on this server (consent store "
                + UserAttributeConsentStoreFactory.PROVIDER_ID + "): the realm export carries them.", Response.Status.CONFLICT);
    }

    private static ErrorResponseException refused(String message) {
        return ErrorResponse.error(message, Response.Status.BAD_REQUEST);
    }
}
