package dev.actorbound.keycloak.actortoken;

import dev.actorbound.keycloak.core.ActorTokenAudience;
import dev.actorbound.keycloak.core.RealmSetup;
import dev.actorbound.keycloak.core.SupportedKeycloak;

import java.util.List;
import java.util.Map;

import org.keycloak.Config;
import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.ProtocolMapperModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.protocol.oidc.mappers.AbstractOIDCProtocolMapper;
import org.keycloak.protocol.oidc.mappers.OIDCAccessTokenMapper;
import org.keycloak.protocol.oidc.mappers.TokenIntrospectionTokenMapper;
import org.keycloak.provider.EnvironmentDependentProviderFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.representations.AccessToken;

/**
 * The mapper of the {@value ActorTokenAudience#SCOPE} client scope: a client's own token (its service account's)
 * gets the realm's token endpoint as its only audience. Other tokens are left as they are: a user's token is never
 * an actor token.
 */
public final class ActorAudienceMapper extends AbstractOIDCProtocolMapper implements OIDCAccessTokenMapper,
        TokenIntrospectionTokenMapper, EnvironmentDependentProviderFactory {

    public static final String PROVIDER_ID = "actorbound-actor-audience";
    /** After every stock mapper (the last of which runs at 50), so that no audience mapper adds to it afterwards. */
    private static final int PRIORITY = 1000;

    public static ProtocolMapperModel model() {
        ProtocolMapperModel model = new ProtocolMapperModel();
        model.setName("actor token audience");
        model.setProtocol(OIDCLoginProtocol.LOGIN_PROTOCOL);
        model.setProtocolMapper(PROVIDER_ID);
        model.setConfig(Map.of());
        return model;
    }

    /** Every realm gets the client scope this mapper belongs to; see {@link ActorScopeSetup}. */
    @Override
    public void postInit(KeycloakSessionFactory factory) {
        RealmSetup.forEveryRealm(factory, (session, realm) -> {
            RealmSetup.ensureAgentRole(realm);
            ActorScopeSetup.prepare(session, realm);
        });
    }

    @Override
    public AccessToken transformAccessToken(AccessToken token, ProtocolMapperModel mappingModel, KeycloakSession session,
            UserSessionModel userSession, ClientSessionContext clientSessionCtx) {
        return restrict(token, session, userSession, clientSessionCtx);
    }

    @Override
    public AccessToken transformIntrospectionToken(AccessToken token, ProtocolMapperModel mappingModel, KeycloakSession session,
            UserSessionModel userSession, ClientSessionContext clientSessionCtx) {
        return restrict(token, session, userSession, clientSessionCtx);
    }

    private static AccessToken restrict(AccessToken token, KeycloakSession session, UserSessionModel userSession,
            ClientSessionContext clientSessionCtx) {
        String clientUuid = clientSessionCtx.getClientSession().getClient().getId();
        if (userSession != null && clientUuid.equals(userSession.getUser().getServiceAccountClientLink())) {
            token.audience(ActorTokenAudience.of(session, clientSessionCtx.getClientSession().getRealm()));
        }
        return token;
    }

    @Override
    public int getPriority() {
        return PRIORITY;
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayType() {
        return "Actor token audience";
    }

    @Override
    public String getDisplayCategory() {
        return TOKEN_MAPPER_CATEGORY;
    }

    @Override
    public String getHelpText() {
        return "Makes a client's own token an actor token: its only audience becomes this realm's token endpoint. "
                + "Leaves users' tokens unchanged.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return List.of();
    }

    /** Off on a Keycloak version this jar does not support: Keycloak's own providers serve instead. */
    @Override
    public boolean isSupported(Config.Scope config) {
        return SupportedKeycloak.running();
    }
}
