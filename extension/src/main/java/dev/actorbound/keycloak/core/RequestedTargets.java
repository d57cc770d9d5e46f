package dev.actorbound.keycloak.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.keycloak.models.ClientModel;
import org.keycloak.models.RealmModel;
import org.keycloak.protocol.oidc.resourceindicators.ResourceIndicatorConstants;
import org.keycloak.protocol.oidc.resourceindicators.ResourceIndicatorValidation;

/**
 * The APIs a delegated token is asked for: RFC 8693 {@code audience} values (client ids) and RFC 8707
 * {@code resource} indicators, each resolved to the one enabled client of the realm it names. A resource names a
 * client as {@code urn:client:<client_id>} or by the client's {@code resource_url} attribute, the two forms
 * Keycloak's own (experimental) resource-indicators feature reads. Whether the token may reach that client is not
 * decided here: Keycloak restricts the token's audience to the requested clients it would reach anyway (audience
 * mappers, client roles), and a requested client missing from the result is {@code invalid_target}.
 */
public record RequestedTargets(List<ClientModel> fromAudience, List<ClientModel> fromResource) {

    public static final String RESOURCE_URL_ATTRIBUTE = ResourceIndicatorConstants.CLIENT_RESOURCE_URL_ATTRIBUTE;
    public static final String URN_CLIENT_PREFIX = ResourceIndicatorConstants.URN_CLIENT_PREFIX;

    /** The refusal where the token is the app's (the code flow); an exchange names the agent instead. */
    public static final String UNAVAILABLE_TO_CLIENT = "requested resource is not available to this client";
    public static final RequestedTargets NONE = new RequestedTargets(List.of(), List.of());

    public RequestedTargets {
        fromAudience = List.copyOf(fromAudience);
        fromResource = List.copyOf(fromResource);
    }

    /** Client ids: each must name an enabled client; empty when one does not. */
    public static Optional<List<ClientModel>> audiences(RealmModel realm, Collection<String> values) {
        List<ClientModel> clients = new ArrayList<>();
        for (String value : values == null ? List.<String>of() : values) {
            ClientModel client = value == null ? null : realm.getClientByClientId(value);
            if (client == null || !client.isEnabled()) {
                return Optional.empty();
            }
            clients.add(client);
        }
        return Optional.of(clients);
    }

    /** Resource indicators: each must be an absolute URI without fragment naming one enabled client; empty otherwise. */
    public static Optional<List<ClientModel>> resources(RealmModel realm, Collection<String> values) {
        List<ClientModel> clients = new ArrayList<>();
        for (String value : values == null ? List.<String>of() : values) {
            Optional<ClientModel> client = resource(realm, value);
            if (client.isEmpty()) {
                return Optional.empty();
            }
            clients.add(client.get());
        }
        return Optional.of(clients);
    }

    private static Optional<ClientModel> resource(RealmModel realm, String value) {
        if (value == null || value.isBlank() || !ResourceIndicatorValidation.isValidResourceIndicator(value)) {
            return Optional.empty();
        }
        if (value.startsWith(URN_CLIENT_PREFIX)) {
            return Optional.ofNullable(realm.getClientByClientId(value.substring(URN_CLIENT_PREFIX.length())))
                    .filter(ClientModel::isEnabled);
        }
        // Keycloak's client search accepts only attributes an admin declared searchable, so the realm's (cached)
        // clients are read. Two clients claiming one URL name no API in particular: refused rather than guessed.
        List<ClientModel> named = realm.getClientsStream()
                .filter(client -> value.equals(client.getAttribute(RESOURCE_URL_ATTRIBUTE))).limit(2).toList();
        return named.size() == 1 ? Optional.of(named.get(0)).filter(ClientModel::isEnabled) : Optional.empty();
    }

    public boolean isEmpty() {
        return fromAudience.isEmpty() && fromResource.isEmpty();
    }

    /** Every requested client once, audience values first. */
    public List<ClientModel> clients() {
        Set<ClientModel> all = new LinkedHashSet<>(fromAudience);
        all.addAll(fromResource);
        return List.copyOf(all);
    }

    /** Whether a client asked for through {@code resource} is missing from {@code audience}. */
    public boolean resourceMissingFrom(String[] audience) {
        return !missing(fromResource, audience).isEmpty();
    }

    /** Whether any requested client is missing from {@code audience}. */
    public boolean anyMissingFrom(String[] audience) {
        return !missing(clients(), audience).isEmpty();
    }

    private static Set<String> missing(List<ClientModel> clients, String[] audience) {
        Set<String> present = audience == null ? Set.of() : Set.copyOf(Arrays.asList(audience));
        return clients.stream().map(ClientModel::getClientId).filter(id -> !present.contains(id))
                .collect(Collectors.toSet());
    }
}
