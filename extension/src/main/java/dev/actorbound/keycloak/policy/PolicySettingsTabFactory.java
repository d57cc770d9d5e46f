package dev.actorbound.keycloak.policy;

import java.util.List;
import java.util.Map;

import dev.actorbound.keycloak.core.StorableText;
import dev.actorbound.keycloak.core.SupportedKeycloak;
import org.keycloak.Config;
import org.keycloak.component.ComponentModel;
import org.keycloak.component.ComponentValidationException;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.EnvironmentDependentProviderFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.services.ui.extend.UiTabProviderFactory;

/**
 * The admin console's Realm settings tab "Policy decisions" (experimental {@code declarative-ui} feature): one
 * component per realm, whose fields are the realm's PDP settings. Saving writes the realm attributes of
 * {@link PdpSettings}, which are all the server reads; deleting the component removes them, which turns the policy off.
 * Both need the right to manage the realm, checked here too and not only by Keycloak's component endpoint.
 */
public final class PolicySettingsTabFactory implements UiTabProviderFactory<ComponentModel>,
        EnvironmentDependentProviderFactory {

    /** Also the message key of the tab's title: the console labels the tab with its translated provider id. */
    public static final String PROVIDER_ID = "actorbound-policy";

    static final String URL = "url";
    static final String TIMEOUT_MS = "timeout-ms";
    static final String USER_ATTRIBUTES = "user-attributes";
    static final String CREDENTIAL = "credential";
    static final String CACHE_TTL_SECONDS = "cache-ttl-seconds";

    private static final List<ProviderConfigProperty> FIELDS = ProviderConfigurationBuilder.create()
            .property().name(URL).label(PROVIDER_ID + "-url").helpText(PROVIDER_ID + "-url-help")
            .type(ProviderConfigProperty.STRING_TYPE).add()
            .property().name(TIMEOUT_MS).label(PROVIDER_ID + "-timeout").helpText(PROVIDER_ID + "-timeout-help")
            .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(PdpSettings.DEFAULT_TIMEOUT_MS).add()
            .property().name(USER_ATTRIBUTES).label(PROVIDER_ID + "-user-attributes")
            .helpText(PROVIDER_ID + "-user-attributes-help").type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE).add()
            .property().name(CREDENTIAL).label(PROVIDER_ID + "-credential").helpText(PROVIDER_ID + "-credential-help")
            .type(ProviderConfigProperty.STRING_TYPE).add()
            .property().name(CACHE_TTL_SECONDS).label(PROVIDER_ID + "-cache-ttl")
            .helpText(PROVIDER_ID + "-cache-ttl-help").type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(0).add()
            .build();

    @Override
    public void validateConfiguration(KeycloakSession session, RealmModel realm, ComponentModel model)
            throws ComponentValidationException {
        StorableText.requireStorable(model, FIELDS);
        String url = model.get(URL);
        if (url != null && !url.isBlank() && PdpSettings.urlProblem(url.trim()) != null) {
            throw new ComponentValidationException(PROVIDER_ID + "-invalid-url");
        }
        if (PdpSettings.number(model.get(TIMEOUT_MS), 0, PdpSettings.MIN_TIMEOUT_MS, PdpSettings.MAX_TIMEOUT_MS) == null) {
            // As text: MessageFormat would print numbers with grouping separators.
            throw new ComponentValidationException(PROVIDER_ID + "-invalid-timeout", String.valueOf(PdpSettings.MIN_TIMEOUT_MS),
                    String.valueOf(PdpSettings.MAX_TIMEOUT_MS));
        }
        if (PdpSettings.number(model.get(CACHE_TTL_SECONDS), 0, 0, PdpSettings.MAX_CACHE_TTL_SECONDS) == null) {
            throw new ComponentValidationException(PROVIDER_ID + "-invalid-cache-ttl", String.valueOf(PdpSettings.MAX_CACHE_TTL_SECONDS));
        }
        String credential = model.get(CREDENTIAL);
        if (credential != null && !credential.isBlank() && !PdpSettings.isVaultReference(credential)) {
            throw new ComponentValidationException(PROVIDER_ID + "-credential-not-vault");
        }
    }

    /*
     * The callbacks below write realm attributes, so each asks for the right to manage the realm first. Realm import
     * only validates components and never calls them: an import sets the attributes themselves.
     */

    @Override
    public void onCreate(KeycloakSession session, RealmModel realm, ComponentModel model) {
        new RealmSettingsPermission(session, realm).require();
        write(realm, model);
    }

    @Override
    public void onUpdate(KeycloakSession session, RealmModel realm, ComponentModel oldModel, ComponentModel newModel) {
        new RealmSettingsPermission(session, realm).require();
        write(realm, newModel);
    }

    @Override
    public void preRemove(KeycloakSession session, RealmModel realm, ComponentModel model) {
        new RealmSettingsPermission(session, realm).require();
        PdpSettings.KEYS.forEach(realm::removeAttribute);
    }

    /** An empty field removes its attribute, which brings back the default (no URL: no PDP at all). */
    private static void write(RealmModel realm, ComponentModel model) {
        set(realm, PdpSettings.URL, model.get(URL));
        set(realm, PdpSettings.TIMEOUT_MS, model.get(TIMEOUT_MS));
        set(realm, PdpSettings.USER_ATTRIBUTES, String.join(",", model.getConfig().getOrDefault(USER_ATTRIBUTES, List.of())));
        set(realm, PdpSettings.CREDENTIAL, model.get(CREDENTIAL));
        set(realm, PdpSettings.CACHE_TTL_SECONDS, model.get(CACHE_TTL_SECONDS));
    }

    private static void set(RealmModel realm, String key, String value) {
        if (value == null || value.isBlank()) {
            realm.removeAttribute(key);
        } else {
            realm.setAttribute(key, value.trim());
        }
    }

    @Override
    public String getPath() {
        return "/:realm/realm-settings/:tab?";
    }

    @Override
    public Map<String, String> getParams() {
        return Map.of("tab", PROVIDER_ID);
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return FIELDS;
    }

    @Override
    public String getHelpText() {
        return PROVIDER_ID + "-help";
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }

    /** Off on a Keycloak version this jar does not support: Keycloak's own providers serve instead. */
    @Override
    public boolean isSupported(Config.Scope config) {
        return SupportedKeycloak.running();
    }
}
