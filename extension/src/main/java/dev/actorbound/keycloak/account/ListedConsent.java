package dev.actorbound.keycloak.account;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.actorbound.keycloak.core.ClientDisplay;
import dev.actorbound.keycloak.core.AgentConsent;
import org.keycloak.models.ClientModel;
import org.keycloak.models.RealmModel;

/**
 * A stored consent with the app and agent it names. The page shows an agent even while it is disabled, so
 * that the user can still revoke it before an admin turns it back on; a consent whose app or agent client no
 * longer exists names nobody and is left out.
 */
record ListedConsent(AgentConsent consent, ClientModel app, ClientModel agent) {

    private static final Comparator<ListedConsent> BY_APP_THEN_AGENT =
            Comparator.comparing((ListedConsent c) -> ClientDisplay.name(c.app()), String.CASE_INSENSITIVE_ORDER)
                    .thenComparing(c -> c.app().getId())
                    .thenComparing(c -> ClientDisplay.name(c.agent()), String.CASE_INSENSITIVE_ORDER);

    static List<ListedConsent> of(RealmModel realm, List<AgentConsent> consents) {
        return consents.stream()
                .map(consent -> resolve(realm, consent))
                .flatMap(Optional::stream)
                .sorted(BY_APP_THEN_AGENT)
                .toList();
    }

    static Optional<ListedConsent> find(List<ListedConsent> listed, String appUuid, String agentUuid) {
        return listed.stream()
                .filter(c -> c.consent().appUuid().equals(appUuid) && c.consent().agentUuid().equals(agentUuid))
                .findFirst();
    }

    private static Optional<ListedConsent> resolve(RealmModel realm, AgentConsent consent) {
        ClientModel app = realm.getClientById(consent.appUuid());
        ClientModel agent = realm.getClientById(consent.agentUuid());
        return Objects.isNull(app) || Objects.isNull(agent) ? Optional.empty()
                : Optional.of(new ListedConsent(consent, app, agent));
    }
}
