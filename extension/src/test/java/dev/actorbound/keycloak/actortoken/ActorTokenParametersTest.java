package dev.actorbound.keycloak.actortoken;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import org.junit.jupiter.api.Test;

class ActorTokenParametersTest {

    private static final String ACCESS = "urn:ietf:params:oauth:token-type:access_token";
    private static final String JWT = "urn:ietf:params:oauth:token-type:jwt";

    private static MultivaluedMap<String, String> form(String... pairs) {
        MultivaluedMap<String, String> form = new MultivaluedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            form.add(pairs[i], pairs[i + 1]);
        }
        return form;
    }

    @Test
    void noActorToken() {
        ActorTokenParameters parameters = ActorTokenParameters.parse(form("code", "c"));
        assertThat(parameters.token()).isNull();
        assertThat(parameters.error()).isNull();
    }

    @Test
    void actorTokenWithOrWithoutAcceptedType() {
        assertThat(ActorTokenParameters.parse(form("actor_token", "t")).token()).isEqualTo("t");
        assertThat(ActorTokenParameters.parse(form("actor_token", "t", "actor_token_type", ACCESS)).token()).isEqualTo("t");
        assertThat(ActorTokenParameters.parse(form("actor_token", "t", "actor_token_type", JWT)).token()).isEqualTo("t");
    }

    @Test
    void rejectsOtherTokenTypes() {
        assertThat(ActorTokenParameters.parse(form("actor_token", "t", "actor_token_type",
                "urn:ietf:params:oauth:token-type:refresh_token")).error()).startsWith("actor_token_type must be");
    }

    @Test
    void rejectsRepeatedParameters() {
        assertThat(ActorTokenParameters.parse(form("actor_token", "a", "actor_token", "b")).error()).contains("only once");
        assertThat(ActorTokenParameters.parse(form("actor_token", "a", "actor_token_type", ACCESS, "actor_token_type", ACCESS))
                .error()).contains("only once");
    }

    @Test
    void rejectsEmptyTokenAndTypeWithoutToken() {
        assertThat(ActorTokenParameters.parse(form("actor_token", "")).error()).isEqualTo("actor_token must not be empty");
        assertThat(ActorTokenParameters.parse(form("actor_token_type", ACCESS)).error()).contains("without actor_token");
    }

    @Test
    void rejectsATokenLongerThanKeycloaksTokenParameterLimit() {
        String longest = "t".repeat(ActorTokenParameters.MAX_LENGTH);
        assertThat(ActorTokenParameters.parse(form("actor_token", longest)).token()).isEqualTo(longest);
        assertThat(ActorTokenParameters.parse(form("actor_token", longest + "t")).error())
                .isEqualTo("actor_token must not be longer than 20000 characters");
    }
}
