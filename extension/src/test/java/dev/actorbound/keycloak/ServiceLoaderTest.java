package dev.actorbound.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Stream;

import dev.actorbound.keycloak.core.ConsentStoreFactory;
import dev.actorbound.keycloak.core.ConsentStoreSpi;
import dev.actorbound.keycloak.core.OptionsProviderFactory;
import dev.actorbound.keycloak.core.OptionsSpi;
import dev.actorbound.keycloak.policy.PolicyDecisionProviderFactory;
import dev.actorbound.keycloak.policy.PolicyDecisionSpi;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProviderFactory;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.protocol.ProtocolMapper;
import org.keycloak.protocol.oidc.TokenExchangeProviderFactory;
import org.keycloak.protocol.oidc.TokenIntrospectionProviderFactory;
import org.keycloak.protocol.oidc.endpoints.AuthorizationEndpointCheckProviderFactory;
import org.keycloak.protocol.oidc.grants.OAuth2GrantTypeFactory;
import org.keycloak.protocol.oidc.refresh.RefreshTokenProviderFactory;
import org.keycloak.protocol.oidc.token.TokenPostProcessorFactory;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.ServerInfoAwareProviderFactory;
import org.keycloak.provider.Spi;
import org.keycloak.services.clientpolicy.ClientPolicyManagerFactory;
import org.keycloak.services.resource.RealmResourceProviderFactory;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProviderFactory;
import org.keycloak.services.ui.extend.UiPageProviderFactory;
import org.keycloak.services.ui.extend.UiTabProviderFactory;
import org.keycloak.wellknown.WellKnownProviderFactory;

/** Every factory is registered once, through META-INF/services, with the id Keycloak must see. */
class ServiceLoaderTest {

    static Stream<Arguments> factories() {
        return Stream.of(
                Arguments.of(AuthorizationEndpointCheckProviderFactory.class, List.of("actorbound-requested-actor")),
                Arguments.of(RequiredActionFactory.class, List.of("actorbound-agent-consent")),
                Arguments.of(OAuth2GrantTypeFactory.class, List.of("authorization_code")),
                Arguments.of(TokenPostProcessorFactory.class, List.of("actorbound-act-claim")),
                Arguments.of(TokenIntrospectionProviderFactory.class, List.of("access_token", "refresh_token", "requesting_party_token")),
                Arguments.of(WellKnownProviderFactory.class, List.of("actorbound-openid-configuration")),
                Arguments.of(TokenExchangeProviderFactory.class, List.of("actorbound-delegation")),
                Arguments.of(RefreshTokenProviderFactory.class, List.of("actorbound-delegated")),
                Arguments.of(EventListenerProviderFactory.class, List.of("actorbound-consent-cleanup", "actorbound-audit")),
                Arguments.of(UiPageProviderFactory.class, List.of("actorbound-agents")),
                Arguments.of(RealmResourceProviderFactory.class, List.of("actorbound")),
                Arguments.of(ClientPolicyManagerFactory.class, List.of("default")),
                Arguments.of(ProtocolMapper.class, List.of("actorbound-actor-audience")),
                Arguments.of(OptionsProviderFactory.class, List.of("default")),
                Arguments.of(ConsentStoreFactory.class, List.of("jpa", "user-attribute")),
                Arguments.of(JpaEntityProviderFactory.class, List.of("actorbound-consent")),
                Arguments.of(AdminRealmResourceProviderFactory.class, List.of("actorbound-consents")),
                Arguments.of(UiTabProviderFactory.class, List.of("actorbound-policy")),
                Arguments.of(PolicyDecisionProviderFactory.class, List.of("authzen")));
    }

    /**
     * Loads through ServiceLoader, reading only our modules' service files: Keycloak's own factories need
     * classes this test class path does not carry.
     */
    private static <T> List<T> ours(Class<T> spi) {
        return ServiceLoader.load(spi, OUR_SERVICE_FILES).stream().map(ServiceLoader.Provider::get).toList();
    }

    private static final ClassLoader OUR_SERVICE_FILES = new ClassLoader(ServiceLoaderTest.class.getClassLoader()) {
        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            List<URL> urls = Collections.list(super.getResources(name));
            urls.removeIf(url -> !url.toString().contains("/extension/") && !url.toString().contains("actorbound-extension"));
            return Collections.enumeration(urls);
        }
    };

    @ParameterizedTest
    @MethodSource("factories")
    <T extends ProviderFactory<?>> void registeredWithExpectedIds(Class<T> spi, List<String> expectedIds) {
        List<T> ours = ours(spi);
        assertThat(ours).extracting(ProviderFactory::getId).containsExactlyInAnyOrderElementsOf(expectedIds);
        assertThat(ours).allSatisfy(f -> assertThat(java.lang.reflect.Modifier.isFinal(f.getClass().getModifiers())).isTrue());
    }

    @ParameterizedTest
    @MethodSource("factories")
    void overridesOutrankKeycloak(Class<? extends ProviderFactory<?>> spi, List<String> ids) {
        ours(spi).stream()
                .filter(f -> !f.getId().startsWith("actorbound"))
                .filter(f -> !(f instanceof OptionsProviderFactory) && !(f instanceof ConsentStoreFactory)
                        && !(f instanceof PolicyDecisionProviderFactory))
                .forEach(f -> assertThat(f.order()).as("order of %s", f.getId()).isGreaterThan(0));
    }

    /** Global: Keycloak hands them every realm's events without the realm listing them (audit and consent clean-up). */
    @org.junit.jupiter.api.Test
    void eventListenersAreGlobal() {
        assertThat(ours(EventListenerProviderFactory.class)).hasSize(2)
                .allSatisfy(f -> assertThat(f.isGlobal()).as("%s is global", f.getId()).isTrue());
    }

    /** Our own SPIs, registered as Keycloak SPIs (not internal, so Keycloak does not warn about them). */
    @org.junit.jupiter.api.Test
    void ownSpisAreRegistered() {
        assertThat(ServiceLoader.load(Spi.class, OUR_SERVICE_FILES).stream().map(ServiceLoader.Provider::get).toList())
                .extracting(Spi::getName).containsExactlyInAnyOrder(OptionsSpi.NAME, ConsentStoreSpi.NAME, PolicyDecisionSpi.NAME);
    }

    /** Every factory that has server-wide options shows the version and the values in effect on the server info page. */
    @ParameterizedTest
    @MethodSource("configuredFactories")
    void configuredFactoriesShowVersionAndOptionsInServerInfo(Class<? extends ProviderFactory<?>> spi, String id, List<String> keys) {
        ProviderFactory<?> factory = ours(spi).stream().filter(f -> f.getId().equals(id)).findFirst().orElseThrow();
        assertThat(factory).isInstanceOf(ServerInfoAwareProviderFactory.class);
        assertThat(((ServerInfoAwareProviderFactory) factory).getOperationalInfo())
                .containsKeys(keys.toArray(String[]::new))
                .hasEntrySatisfying("version", v -> assertThat(v).isNotBlank().isNotEqualTo("unknown"));
    }

    static Stream<Arguments> configuredFactories() {
        List<String> options = List.of("delegated-token-lifetime", "max-chain-depth");
        return Stream.of(
                Arguments.of(OptionsProviderFactory.class, "default", options),
                Arguments.of(EventListenerProviderFactory.class, "actorbound-audit",
                        List.of("log-category", "log-enabled", "include-ip-address")),
                Arguments.of(PolicyDecisionProviderFactory.class, "authzen", List.of("cache-max-entries")));
    }

    /** Keycloak makes the consent store with the highest order the default: the table, not the deprecated attributes. */
    @org.junit.jupiter.api.Test
    void tableIsTheDefaultConsentStore() {
        assertThat(ours(ConsentStoreFactory.class)).filteredOn(f -> f.order() > 0).singleElement()
                .extracting(ProviderFactory::getId).isEqualTo("jpa");
    }

    /** Keycloak picks the refresh provider with the highest order that supports a token: ours must come before "default". */
    @org.junit.jupiter.api.Test
    void delegatedRefreshProviderComesBeforeKeycloaksDefault() {
        assertThat(ours(RefreshTokenProviderFactory.class)).singleElement()
                .satisfies(f -> assertThat(f.order()).isGreaterThan(new org.keycloak.protocol.oidc.refresh.DefaultRefreshTokenProviderFactory().order()));
    }
}
