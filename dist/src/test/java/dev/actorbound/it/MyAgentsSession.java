package dev.actorbound.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A user signed in on "Agents that act for me" over plain HTTP, revoking consents the way the page's form does. */
final class MyAgentsSession {

    private static final Pattern CSRF = Pattern.compile("name=\"csrf_token\" value=\"([^\"]+)\"");

    private final TestRealm realm;
    private final HttpLogin login;
    private final String page;

    private MyAgentsSession(TestRealm realm, HttpLogin login, String page) {
        this.realm = realm;
        this.login = login;
        this.page = page;
    }

    /** Signs {@code username} in (password: the username followed by {@code -password}) and opens the page. */
    static MyAgentsSession open(TestRealm realm, String username) {
        String page = realm.issuer() + "/actorbound/my-agents";
        HttpLogin login = new HttpLogin(page);
        assertThat(login.authorize(page, username, username + "-password", null).callback()).containsKey("code");
        return new MyAgentsSession(realm, login, page);
    }

    /** Revokes (app, agent), both named by client_id, and checks that the page confirmed it. */
    void revoke(String app, String agent) {
        Matcher csrf = CSRF.matcher(login.get(page).body());
        assertThat(csrf.find()).as("the page lists something to revoke").isTrue();
        HttpResponse<String> revoked = login.post(page + "/revoke", Map.of("csrf_token", csrf.group(1),
                "app", realm.admin().clientUuid(realm.name(), app), "agent", realm.admin().clientUuid(realm.name(), agent)),
                Map.of("Origin", realm.server().baseUrl()));
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
    }
}
