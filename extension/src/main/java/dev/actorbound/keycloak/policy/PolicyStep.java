package dev.actorbound.keycloak.policy;

/** The step of a delegation that asks the PDP, sent as {@code resource.properties.grant} (PROTOCOL §9). */
public enum PolicyStep {

    /** At the authorization endpoint, before the consent page. */
    AUTHORIZATION_REQUEST("authorization_request"),
    /** At code redemption. */
    AUTHORIZATION_CODE("authorization_code"),
    /** At each delegation token exchange hop. */
    TOKEN_EXCHANGE("token_exchange"),
    /** At each refresh of a delegated token. */
    REFRESH_TOKEN("refresh_token");

    private final String value;

    PolicyStep(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }
}
