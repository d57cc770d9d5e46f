package dev.actorbound.keycloak.core;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

import org.keycloak.component.ComponentModel;
import org.keycloak.component.ComponentValidationException;
import org.keycloak.provider.ProviderConfigProperty;

/**
 * Text an admin sends to one of our endpoints, checked before any of it reaches Keycloak's database. PostgreSQL cannot
 * hold the NUL character (U+0000) in text: it refuses not only to store one but any query that compares with one, so
 * a name holding it would reach the admin as an uncaught server error. Keycloak itself blocks it in query parameters;
 * JSON bodies (our component configurations, the consent import) are ours to check.
 */
public final class StorableText {

    /** The message key of the refusal of a component; its one parameter names the field. */
    public static final String REFUSED = "actorbound-unstorable";
    /** The refusal in English, where no message bundle applies (the consent import). */
    public static final String REFUSED_TEXT = "contains a NUL character (U+0000), which cannot be saved";

    private StorableText() {
    }

    public static boolean storable(String... values) {
        return Stream.of(values).allMatch(value -> value == null || value.indexOf('\0') < 0);
    }

    /**
     * Refuses a component whose name, a field name or a field value cannot be stored, naming the field by its label
     * among {@code fields} (which the console translates), or as it is when the component has no such field.
     */
    public static void requireStorable(ComponentModel model, List<ProviderConfigProperty> fields) {
        firstUnstorableField(model.getName(), model.getConfig()).ifPresent(field -> {
            throw new ComponentValidationException(REFUSED, fields.stream().filter(property -> property.getName().equals(field))
                    .map(ProviderConfigProperty::getLabel).findFirst().orElse(field));
        });
    }

    /** Fields first: a page may name its component after a field (the Agents page after the agent). */
    static Optional<String> firstUnstorableField(String name, Map<String, List<String>> config) {
        Optional<String> field = config == null ? Optional.empty() : config.entrySet().stream()
                .filter(entry -> !storable(entry.getKey()) || entry.getValue() != null
                        && !entry.getValue().stream().filter(Objects::nonNull).allMatch(StorableText::storable))
                .map(Map.Entry::getKey)
                .findFirst();
        return field.isPresent() || storable(name) ? field : Optional.of("name");
    }
}
