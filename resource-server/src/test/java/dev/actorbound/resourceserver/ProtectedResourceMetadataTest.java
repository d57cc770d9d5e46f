package dev.actorbound.resourceserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.List;
import java.util.Map;

import com.nimbusds.jose.util.JSONObjectUtils;
import org.junit.jupiter.api.Test;

/** The RFC 9728 document and where it lives. */
class ProtectedResourceMetadataTest {

    private static ResourceServer api(String resource) {
        return ResourceServer.builder().issuer(TestTokens.ISSUER).audience("travel-api").resource(resource)
                .scopesSupported("trips.read", "trips.write").resourceName("Trips API").build();
    }

    @Test
    void theDocumentNamesTheResourceItsAuthorizationServerScopesAndBearerMethods() throws Exception {
        Map<String, Object> document = JSONObjectUtils.parse(api("https://api.example.org/trips").metadata().toJson());
        assertThat(document).containsExactly(
                Map.entry("resource", "https://api.example.org/trips"),
                Map.entry("authorization_servers", List.of(TestTokens.ISSUER)),
                Map.entry("scopes_supported", List.of("trips.read", "trips.write")),
                Map.entry("bearer_methods_supported", List.of("header")),
                Map.entry("resource_name", "Trips API"));
    }

    @Test
    void theWellKnownSuffixGoesBetweenHostAndPath() {
        ResourceServer withPath = api("https://api.example.org/trips/v1");
        assertThat(withPath.metadataPath()).isEqualTo("/.well-known/oauth-protected-resource/trips/v1");
        assertThat(withPath.metadata().wellKnownUrl())
                .isEqualTo("https://api.example.org/.well-known/oauth-protected-resource/trips/v1");

        for (String root : new String[] {"http://localhost:8081", "http://localhost:8081/"}) {
            assertThat(api(root).metadataPath()).isEqualTo("/.well-known/oauth-protected-resource");
            assertThat(api(root).metadata().wellKnownUrl()).isEqualTo("http://localhost:8081/.well-known/oauth-protected-resource");
        }
    }

    @Test
    void aResourceIdentifierIsAnAbsoluteUrlWithoutQueryOrFragment() {
        for (String bad : new String[] {"/trips", "https://api.example.org/trips#x", "https://api.example.org/trips?x=1"}) {
            assertThatIllegalArgumentException().as(bad).isThrownBy(() -> api(bad));
        }
    }
}
