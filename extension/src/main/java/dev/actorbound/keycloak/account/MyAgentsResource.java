package dev.actorbound.keycloak.account;

import dev.actorbound.keycloak.core.ActorboundErrors;
import java.net.URI;
import java.util.List;
import java.util.Optional;

import dev.actorbound.keycloak.core.AuditDetails;
import dev.actorbound.keycloak.core.ClientDisplay;
import dev.actorbound.keycloak.core.ConsentStore;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.services.managers.AuthenticationManager.AuthResult;

/**
 * "Agents that act for me": {@code GET /realms/<realm>/actorbound/my-agents} lists the user's agent consents,
 * {@code POST .../my-agents/revoke} revokes one. The user is whoever the realm's SSO session (identity cookie)
 * says; without one the page sends them to log in and back. Nothing here issues or shows a token.
 */
public final class MyAgentsResource {

    static final String PAGE = "my-agents";
    static final String REVOKE = "revoke";

    private final KeycloakSession session;
    private final RealmModel realm;
    private final ConsentStore consents;
    private final MyAgentsPage page;

    MyAgentsResource(KeycloakSession session, ConsentStore consents) {
        this.session = session;
        this.realm = session.getContext().getRealm();
        this.consents = consents;
        this.page = new MyAgentsPage(session, realm);
    }

    @GET
    @Path(PAGE)
    @Produces(MediaType.TEXT_HTML)
    public Response show() {
        Optional<ClientModel> pageClient = MyAgentsClient.of(realm);
        if (pageClient.isEmpty()) {
            return page.error(null, Response.Status.NOT_FOUND, "actorbound-my-agents-unavailable");
        }
        UriInfo uri = session.getContext().getUri();
        AuthResult auth = signedIn();
        if (auth == null) {
            // back from a login that left no SSO session (cookies blocked, login cancelled): say so, never loop
            return LoginRedirect.isCallback(uri)
                    ? page.error(null, Response.Status.UNAUTHORIZED, "actorbound-my-agents-login-failed")
                    : redirect(Response.Status.FOUND, LoginRedirect.to(uri, realm));
        }
        if (LoginRedirect.isCallback(uri)) {
            // the code in the address bar is useless (its verifier is gone), but it has no business staying there
            return redirect(Response.Status.SEE_OTHER, MyAgentsClient.pageUrl(uri.getBaseUri(), realm));
        }
        return page.list(auth.user(), listed(auth.user()), CsrfProtection.token(auth.session()), null);
    }

    /** A revoke URL opened as a link (bookmark, history) shows the page instead of a bare 405. */
    @GET
    @Path(PAGE + "/" + REVOKE)
    public Response revokeAsLink() {
        return redirect(Response.Status.SEE_OTHER, MyAgentsClient.pageUrl(session.getContext().getUri().getBaseUri(), realm));
    }

    @POST
    @Path(PAGE + "/" + REVOKE)
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response revoke() {
        Optional<ClientModel> pageClient = MyAgentsClient.of(realm);
        if (pageClient.isEmpty()) {
            return page.error(null, Response.Status.NOT_FOUND, "actorbound-my-agents-unavailable");
        }
        AuthResult auth = signedIn();
        if (auth == null) {
            return page.error(null, Response.Status.UNAUTHORIZED, "actorbound-my-agents-session-ended");
        }
        UserModel user = auth.user();
        EventBuilder event = new EventBuilder(realm, session, session.getContext().getConnection())
                .event(EventType.REVOKE_GRANT).client(pageClient.get()).user(user).session(auth.session());
        MultivaluedMap<String, String> form = session.getContext().getHttpRequest().getDecodedFormParameters();
        if (!CsrfProtection.sameOrigin(session.getContext().getRequestHeaders(), session.getContext().getUri().getBaseUri())
                || !CsrfProtection.tokenMatches(auth.session(), RevokeForm.single(form, CsrfProtection.FIELD))) {
            event.detail(Details.REASON, "cross-site request or missing CSRF token").error(Errors.INVALID_REQUEST);
            return page.error(user, Response.Status.FORBIDDEN, "actorbound-my-agents-refused");
        }
        List<ListedConsent> listed = listed(user);
        Optional<ListedConsent> target = RevokeForm.parse(form)
                .flatMap(pair -> ListedConsent.find(listed, pair.appUuid(), pair.agentUuid()));
        if (target.isEmpty()) {
            event.detail(Details.REASON, "no consent of this user for this app and agent").error(ActorboundErrors.CONSENT_NOT_FOUND);
            return page.error(user, Response.Status.BAD_REQUEST, "actorbound-my-agents-unknown");
        }
        revoke(target.get(), user, event);
        List<ListedConsent> remaining = listed.stream().filter(c -> c != target.get()).toList();
        return page.list(user, remaining, CsrfProtection.token(auth.session()), "actorbound-my-agents-revoked",
                ClientDisplay.name(target.get().agent()), ClientDisplay.name(target.get().app()));
    }

    private void revoke(ListedConsent target, UserModel user, EventBuilder event) {
        consents.revoke(realm, user, target.consent().appUuid(), target.consent().agentUuid());
        UserModel serviceAccount = session.users().getServiceAccount(target.agent());
        event.client(target.app())
                .detail(AuditDetails.ACTOR, target.agent().getClientId())
                .detail(Details.REVOKED_CLIENT, target.app().getClientId());
        if (serviceAccount != null) {
            event.detail(AuditDetails.ACTOR_SUB, serviceAccount.getId());
        }
        event.success();
    }

    private AuthResult signedIn() {
        return AuthenticationManager.authenticateIdentityCookie(session, realm, true);
    }

    private List<ListedConsent> listed(UserModel user) {
        return ListedConsent.of(realm, consents.list(realm, user));
    }

    private static Response redirect(Response.Status status, URI location) {
        return Response.status(status).location(location).header("Cache-Control", MyAgentsPage.NO_STORE).build();
    }
}
