package dev.actorbound.keycloak.admin;

/**
 * Message keys of the Agents page (bundle {@code theme-resources/messages}). Keycloak resolves them in the admin
 * theme: labels and help in the console, validation errors in the admin REST answer.
 */
final class Messages {

    static final String PAGE_HELP = "actorbound-agents-help";

    static final String AGENT = "actorbound-agents-agent";
    static final String ALLOWED_CLIENTS = "actorbound-agents-allowed-clients";
    static final String DELEGATES = "actorbound-agents-delegates";
    static final String MAX_CHAIN_DEPTH = "actorbound-agents-max-chain-depth";
    static final String TOKEN_LIFESPAN = "actorbound-agents-token-lifespan";
    static final String REFRESH_ALLOWED = "actorbound-agents-refresh-allowed";

    static final String AGENT_REQUIRED = "actorbound-agents-agent-required";
    static final String UNKNOWN_AGENT = "actorbound-agents-unknown-agent";
    static final String NOT_AN_AGENT = "actorbound-agents-not-an-agent";
    static final String UNKNOWN_APP = "actorbound-agents-unknown-app";
    static final String UNKNOWN_DELEGATE = "actorbound-agents-unknown-delegate";
    static final String DELEGATE_NOT_AN_AGENT = "actorbound-agents-delegate-not-an-agent";
    static final String DELEGATE_NOT_MARKED = "actorbound-agents-delegate-not-marked";
    static final String DELEGATE_SELF = "actorbound-agents-delegate-self";
    static final String FULL_SCOPE = "actorbound-agents-full-scope";
    static final String NOT_A_NUMBER = "actorbound-agents-not-a-number";
    static final String OUT_OF_RANGE = "actorbound-agents-out-of-range";
    static final String LIFESPAN_ABOVE_REALM = "actorbound-agents-lifespan-above-realm";
    static final String NOT_A_BOOLEAN = "actorbound-agents-not-a-boolean";
    static final String DUPLICATE = "actorbound-agents-duplicate";
    static final String FORBIDDEN = "actorbound-agents-forbidden";

    static String help(String label) {
        return label + "-help";
    }

    private Messages() {
    }
}
