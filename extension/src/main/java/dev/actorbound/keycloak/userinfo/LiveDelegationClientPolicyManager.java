package dev.actorbound.keycloak.userinfo;

import java.util.List;

import jakarta.ws.rs.core.Response;

import dev.actorbound.keycloak.delegation.IssuedDelegation;
import dev.actorbound.keycloak.delegation.DelegationLiveness;
import org.keycloak.OAuthErrorException;
import org.keycloak.jose.jws.JWSInput;
import org.keycloak.jose.jws.JWSInputException;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.representations.AccessToken;
import org.keycloak.representations.idm.ClientPoliciesRepresentation;
import org.keycloak.representations.idm.ClientProfilesRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.services.clientpolicy.ClientPolicyContext;
import org.keycloak.services.clientpolicy.ClientPolicyException;
import org.keycloak.services.clientpolicy.ClientPolicyManager;
import org.keycloak.services.clientpolicy.context.UserInfoRequestContext;

/**
 * Keycloak's client-policy manager, plus one rule no realm configuration can switch off: userinfo serves a
 * delegated access token only while its delegation is live (PROTOCOL §5). Userinfo checks signature, expiry,
 * client, session and user, then asks this manager ({@code USERINFO_REQUEST}) before it answers: the one hook it
 * offers for every realm. A {@link ClientPolicyException} there becomes userinfo's own refusal, a 401 with an
 * {@code invalid_token} Bearer challenge and a {@code USER_INFO_REQUEST_ERROR} event. A live delegation whose
 * answer would show a scope the token does not hold ({@link UserInfoScopes}) is refused with 403
 * {@code insufficient_scope}.
 * Everything else is Keycloak's manager unchanged.
 */
public final class LiveDelegationClientPolicyManager implements ClientPolicyManager {

    private final KeycloakSession session;
    private final ClientPolicyManager keycloaks;

    LiveDelegationClientPolicyManager(KeycloakSession session, ClientPolicyManager keycloaks) {
        this.session = session;
        this.keycloaks = keycloaks;
    }

    @Override
    public void triggerOnEvent(ClientPolicyContext context) throws ClientPolicyException {
        if (context instanceof UserInfoRequestContext userInfo) {
            refuseDeadOrWiderDelegation(userInfo.getTokenForUserInfo().getToken(), userInfo.getClientSession().getClient());
        }
        keycloaks.triggerOnEvent(context);
    }

    private void refuseDeadOrWiderDelegation(String encoded, ClientModel client) throws ClientPolicyException {
        RealmModel realm = session.getContext().getRealm();
        AccessToken token = read(encoded);
        UserModel user = session.users().getUserById(realm, token.getSubject());
        DelegationLiveness.Verdict verdict = new DelegationLiveness(session, realm).check(user, token);
        if (verdict instanceof DelegationLiveness.Dead dead) {
            throw new ClientPolicyException(OAuthErrorException.INVALID_TOKEN, dead.description(), Response.Status.UNAUTHORIZED);
        }
        if (verdict instanceof DelegationLiveness.Live) {
            List<String> beyond = UserInfoScopes.beyond(token, client);
            if (!beyond.isEmpty()) {
                // Userinfo cannot be told to leave a default scope out, so the answer would be wider than the token.
                throw new ClientPolicyException(OAuthErrorException.INSUFFICIENT_SCOPE, UserInfoScopes.refusal(beyond),
                        Response.Status.FORBIDDEN);
            }
            // Userinfo runs the mappers next: role claims there show the delegation's roles, as in the token.
            IssuedDelegation.primeForMappers(session, realm, token, user, token.getSessionId());
        }
    }

    /** Userinfo verified this very string's signature before it asks the manager, so it is only parsed here. */
    private static AccessToken read(String encoded) throws ClientPolicyException {
        try {
            return new JWSInput(encoded).readJsonContent(AccessToken.class);
        } catch (JWSInputException e) {
            throw new ClientPolicyException(OAuthErrorException.INVALID_TOKEN, "the access token cannot be read",
                    Response.Status.UNAUTHORIZED);
        }
    }

    @Override
    public void setupClientPoliciesOnCreatedRealm(RealmModel realm) {
        keycloaks.setupClientPoliciesOnCreatedRealm(realm);
    }

    @Override
    public void updateRealmModelFromRepresentation(RealmModel realm, RealmRepresentation rep) {
        keycloaks.updateRealmModelFromRepresentation(realm, rep);
    }

    @Override
    public void updateClientProfiles(RealmModel realm, ClientProfilesRepresentation clientProfiles) throws ClientPolicyException {
        keycloaks.updateClientProfiles(realm, clientProfiles);
    }

    @Override
    public ClientProfilesRepresentation getClientProfiles(RealmModel realm, boolean includeGlobalProfiles) throws ClientPolicyException {
        return keycloaks.getClientProfiles(realm, includeGlobalProfiles);
    }

    @Override
    public void updateClientPolicies(RealmModel realm, ClientPoliciesRepresentation clientPolicies) throws ClientPolicyException {
        keycloaks.updateClientPolicies(realm, clientPolicies);
    }

    @Override
    public ClientPoliciesRepresentation getClientPolicies(RealmModel realm, boolean includeGlobalPolicies) throws ClientPolicyException {
        return keycloaks.getClientPolicies(realm, includeGlobalPolicies);
    }

    @Override
    public void updateRealmRepresentationFromModel(RealmModel realm, RealmRepresentation rep) {
        keycloaks.updateRealmRepresentationFromModel(realm, rep);
    }

    @Override
    public void close() {
        keycloaks.close();
    }
}
