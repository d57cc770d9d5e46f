package dev.actorbound.keycloak.exchange;

import java.util.Map;

import dev.actorbound.keycloak.core.ActorboundOptions;
import dev.actorbound.keycloak.core.AgentSettings;

/** The hand-off rules that need no lookups, kept apart so that they can be read, and tested, as a table. */
final class HandOffRule {

    static final String MAY_ACT_CLAIM = "may_act";

    private HandOffRule() {
    }

    /**
     * The requester may take over from the current actor when the current actor lists it among its delegates, or
     * when the subject token's {@code may_act} claim (RFC 8693 §4.4) names it by client_id or by subject.
     */
    static boolean mayTakeOver(AgentSettings acting, String requesterClientId, String requesterSub, Object mayAct) {
        return acting.delegates().contains(requesterClientId)
                || mayAct instanceof Map<?, ?> named
                        && (requesterClientId.equals(named.get("client_id")) || requesterSub.equals(named.get("sub")));
    }

    /** The server's maximum chain depth, lowered (never raised) by the requesting agent's own setting. */
    static int maxDepth(ActorboundOptions options, AgentSettings requester) {
        return Math.min(options.maxChainDepth(), requester.maxChainDepth().orElse(options.maxChainDepth()));
    }
}
