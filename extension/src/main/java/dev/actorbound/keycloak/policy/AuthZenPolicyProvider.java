package dev.actorbound.keycloak.policy;

import dev.actorbound.keycloak.core.ExpiringCache;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;
import org.keycloak.connections.httpclient.HttpClientProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.RoleUtils;
import org.keycloak.vault.VaultStringSecret;

/**
 * Asks the realm's PDP over OpenID AuthZEN 1.0: one batch request per decision, the delegation first, then each
 * candidate role and scope. Fails closed: settings that cannot be used, a credential missing from the vault, a PDP
 * that is unreachable, too slow, answers an error status or something that is not an AuthZEN answer all give
 * {@link PolicyDecision.Outcome#UNAVAILABLE}. Only answers are cached, and only when the realm turns the cache on.
 */
final class AuthZenPolicyProvider implements PolicyDecisionProvider {

    private static final Logger LOG = Logger.getLogger(AuthZenPolicyProvider.class);

    private final KeycloakSession session;
    private final ExpiringCache<AuthZenAnswer> answers;
    private final ExpiringCache<String> endpoints;

    AuthZenPolicyProvider(KeycloakSession session, ExpiringCache<AuthZenAnswer> answers, ExpiringCache<String> endpoints) {
        this.session = session;
        this.answers = answers;
        this.endpoints = endpoints;
    }

    @Override
    public PolicyDecision decide(RealmModel realm, Supplier<PolicyQuestion> questioned) {
        Optional<PdpSettings> configured = PdpSettings.of(realm);
        if (configured.isEmpty()) {
            return PolicyDecision.NOT_ASKED;
        }
        PdpSettings settings = configured.get();
        if (settings.problem() != null) {
            return PolicyDecision.unavailable("the realm's PDP settings cannot be used: " + settings.problem());
        }
        PolicyQuestion question = questioned.get();
        AuthZenRequest request = AuthZenRequest.of(subject(question.user(), settings), delegation(question),
                realm.getName(), Instant.now());
        // the key is the whole request serialized: only worth building where the admin turned the cache on
        String cacheKey = settings.cacheTtlSeconds() > 0 ? settings.url() + "\n" + request.cacheKey() : null;
        Optional<AuthZenAnswer> cached = cacheKey != null ? answers.get(cacheKey) : Optional.empty();
        if (cached.isPresent()) {
            return decision(request, cached.get(), question.requestedScopes());
        }
        try {
            AuthZenAnswer answer = new AuthZenClient(session.getProvider(HttpClientProvider.class).getHttpClient(), endpoints)
                    .evaluate(settings, request, credential(settings));
            if (cacheKey != null) {
                answers.put(cacheKey, answer, TimeUnit.SECONDS.toMillis(settings.cacheTtlSeconds()));
            }
            return decision(request, answer, question.requestedScopes());
        } catch (AuthZenClient.Unavailable e) {
            LOG.debugf("policy decision in realm %s failed closed: %s", realm.getName(), e.getMessage());
            return PolicyDecision.unavailable(e.getMessage());
        }
    }

    /** The bearer credential from the realm's vault; a reference the vault cannot resolve is a PDP we cannot ask. */
    private String credential(PdpSettings settings) throws AuthZenClient.Unavailable {
        if (settings.credential() == null) {
            return null;
        }
        try (VaultStringSecret secret = session.vault().getStringSecret(settings.credential())) {
            return secret.get().filter(value -> !value.isBlank()).orElseThrow(() -> new AuthZenClient.Unavailable(
                    "the PDP credential " + settings.credential() + " is not in the server's vault"));
        }
    }

    private static PolicyDecision decision(AuthZenRequest request, AuthZenAnswer answer, Set<String> requested) {
        if (!answer.allows(0)) {
            return new PolicyDecision(PolicyDecision.Outcome.DENIED, Set.of(), Set.of(), "", answer.reason(0), "");
        }
        Set<String> roles = new TreeSet<>();
        Set<String> scopes = new TreeSet<>();
        Set<String> reasons = new LinkedHashSet<>();
        List<String> items = new ArrayList<>(request.roles());
        items.addAll(request.scopes());
        for (int i = 0; i < items.size(); i++) {
            if (!answer.allows(i + 1)) {
                (i < request.roles().size() ? roles : scopes).add(items.get(i));
                reasons.add(answer.reason(i + 1));
            }
        }
        reasons.remove("");
        String refused = requested.stream().filter(scopes::contains).sorted().findFirst().orElse("");
        return new PolicyDecision(PolicyDecision.Outcome.ALLOWED, roles, scopes, refused, String.join("; ", reasons), "");
    }

    private static AuthZenRequest.Subject subject(UserModel user, PdpSettings settings) {
        List<String> roles = RoleUtils.getDeepUserRoleMappings(user).stream().map(RoleLabels::of).sorted().toList();
        Map<String, List<String>> attributes = new LinkedHashMap<>();
        for (String name : settings.userAttributes()) {
            attributes.put(name, user.getAttributeStream(name).toList());
        }
        return new AuthZenRequest.Subject(user.getId(), user.getUsername(), roles, attributes);
    }

    private static AuthZenRequest.Delegation delegation(PolicyQuestion question) {
        return new AuthZenRequest.Delegation(question.agent().clientId(), question.agent().serviceAccountId(),
                question.appClientId(), question.actorChain(), question.step().value(), question.audience(),
                question.scopes().stream().sorted().toList(),
                question.roles().stream().map(RoleLabels::of).sorted().distinct().collect(Collectors.toList()));
    }

    @Override
    public void close() {
    }
}
