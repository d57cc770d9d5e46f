package dev.actorbound.demo;

/** The two steps only a person can take: consenting in the browser, and revoking the agent afterwards. */
public interface Interaction {

    /** Have the user open {@code authorizationUrl}, log in and allow the agent; the code arrives on the loopback redirect. */
    void consent(String authorizationUrl);

    /** Have the user revoke the planner agent (on the "Agents that act for me" page or in the account console). */
    void revoke(String myAgentsUrl, String accountConsoleUrl);
}
