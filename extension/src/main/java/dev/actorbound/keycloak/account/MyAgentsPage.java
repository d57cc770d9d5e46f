package dev.actorbound.keycloak.account;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import dev.actorbound.keycloak.core.ClientDisplay;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Renders the page through the realm's login theme ({@code actorbound-my-agents.ftl}, found by any login theme like
 * the consent page), so it looks like the rest of the realm's user-facing pages. Every answer forbids caching:
 * it is personal and carries the CSRF token.
 */
final class MyAgentsPage {

    static final String TEMPLATE = "actorbound-my-agents.ftl";
    static final String NO_STORE = "no-store, no-cache, must-revalidate, max-age=0";

    private final KeycloakSession session;
    private final RealmModel realm;

    MyAgentsPage(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    /** The list, optionally with a confirmation of what was just revoked. */
    Response list(UserModel user, List<ListedConsent> consents, String csrfToken, String successKey, Object... parameters) {
        Locale locale = session.getContext().resolveLocale(user);
        LoginFormsProvider form = form(user)
                .setAttribute("actorboundApps", groups(consents, user, locale))
                .setAttribute("actorboundCsrfToken", csrfToken)
                .setAttribute("actorboundRevokeUrl", pageUrl().path(MyAgentsResource.REVOKE).build().toString());
        if (successKey != null) {
            form.setSuccess(successKey, parameters);
        }
        return form.createForm(TEMPLATE);
    }

    /** The same template with only an error message, never a stack trace or a bare status. */
    Response error(UserModel user, Response.Status status, String messageKey) {
        return form(user).setStatus(status).setError(messageKey).setAttribute("actorboundError", true).createForm(TEMPLATE);
    }

    private LoginFormsProvider form(UserModel user) {
        LoginFormsProvider form = session.getProvider(LoginFormsProvider.class)
                .setResponseHeader("Cache-Control", NO_STORE)
                .setResponseHeader("Pragma", "no-cache")
                .setAttribute("actorboundPageUrl", pageUrl().build().toString())
                .setAttribute("actorboundAccountUrl", UriBuilder.fromUri(session.getContext().getUri().getBaseUri())
                        .path("realms").path(realm.getName()).path("account").path("").build().toString());
        return user == null ? form : form.setUser(user);
    }

    private UriBuilder pageUrl() {
        return UriBuilder.fromUri(MyAgentsClient.pageUrl(session.getContext().getUri().getBaseUri(), realm));
    }

    /** One group per app, in the order {@link ListedConsent#of} sorted them. */
    private static List<Map<String, Object>> groups(List<ListedConsent> consents, UserModel user, Locale locale) {
        DateTimeFormatter dates = DateTimeFormatter.ofLocalizedDateTime(FormatStyle.LONG, FormatStyle.SHORT)
                .withLocale(locale).withZone(ZoneOffset.UTC);
        Map<String, List<ListedConsent>> byApp = consents.stream().collect(
                Collectors.groupingBy(c -> c.app().getId(), LinkedHashMap::new, Collectors.toList()));
        return byApp.values().stream()
                .map(group -> Map.<String, Object>of("app", ClientDisplay.of(group.get(0).app()),
                        "agents", group.stream().map(c -> entry(c, user, dates)).toList()))
                .toList();
    }

    private static Map<String, Object> entry(ListedConsent listed, UserModel user, DateTimeFormatter dates) {
        Instant grantedAt = Instant.ofEpochSecond(listed.consent().grantedAt());
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("agent", ClientDisplay.of(listed.agent()));
        entry.put("enabled", listed.agent().isEnabled());
        entry.put("appUuid", listed.consent().appUuid());
        entry.put("agentUuid", listed.consent().agentUuid());
        entry.put("grantedAt", dates.format(grantedAt));
        entry.put("grantedAtIso", DateTimeFormatter.ISO_INSTANT.format(grantedAt));
        entry.put("scopes", listed.consent().scopes().stream().sorted().toList());
        entry.put("roles", ClientDisplay.rolesHeldBy(listed.agent(), user, null));
        return entry;
    }
}
