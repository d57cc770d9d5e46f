package dev.actorbound.keycloak.policy;

import java.util.List;
import java.util.Set;

import dev.actorbound.keycloak.core.Agent;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;

/**
 * One delegation the PDP is asked about, on live state: who delegates, which agent acts now (and the whole chain,
 * newest first), through which app, at which step, and the candidates the intersection rule left. The PDP may only
 * take candidates away.
 *
 * @param actorChain      client_ids of the chain, the acting agent first
 * @param audience        the audience the request asks for (empty when it names none)
 * @param roles           candidate roles: agent ∩ user ∩ input token
 * @param scopes          candidate scope names: consent ∩ input token
 * @param requestedScopes the scopes the client asked for by name; dropping one of them refuses the request
 */
public record PolicyQuestion(PolicyStep step, UserModel user, Agent agent, String appClientId, List<String> actorChain,
                             List<String> audience, Set<RoleModel> roles, Set<String> scopes, Set<String> requestedScopes) {

    public PolicyQuestion {
        actorChain = List.copyOf(actorChain);
        audience = List.copyOf(audience);
        roles = Set.copyOf(roles);
        scopes = Set.copyOf(scopes);
        requestedScopes = Set.copyOf(requestedScopes);
    }
}
