package dev.actorbound.keycloak.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ActorChainTest {

    private final Actor booking = new Actor("9b2d", "booking-agent");
    private final Actor planner = new Actor("5f0c", "planner-agent");

    @Test
    void singleActorClaim() {
        assertThat(ActorChain.of(planner).toClaim()).isEqualTo(Map.of("sub", "5f0c", "client_id", "planner-agent"));
    }

    @Test
    void newestActorIsOutermost() {
        Map<String, Object> claim = new ActorChain(List.of(booking, planner)).toClaim();
        assertThat(claim).containsEntry("sub", "9b2d").containsEntry("client_id", "booking-agent");
        assertThat(claim.get("act")).isEqualTo(Map.of("sub", "5f0c", "client_id", "planner-agent"));
    }

    @Test
    void claimRoundTrips() {
        ActorChain chain = new ActorChain(List.of(booking, planner));
        assertThat(ActorChain.fromClaim(chain.toClaim())).isEqualTo(chain);
    }

    @Test
    void serializesNewestFirst() {
        assertThat(new ActorChain(List.of(booking, planner)).serialize()).isEqualTo("booking-agent<planner-agent");
    }

    @Test
    void malformedClaimsAreNotChains() {
        assertThat(ActorChain.fromClaim(null)).isNull();
        assertThat(ActorChain.fromClaim("planner-agent")).isNull();
        assertThat(ActorChain.fromClaim(Map.of("sub", "5f0c"))).isNull();
        assertThat(ActorChain.fromClaim(Map.of("sub", "5f0c", "client_id", "p", "act", "x"))).isNull();
        assertThat(ActorChain.fromClaim(Map.of("sub", 1, "client_id", "p"))).isNull();
    }

    @Test
    void emptyChainIsRefused() {
        assertThatThrownBy(() -> new ActorChain(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
