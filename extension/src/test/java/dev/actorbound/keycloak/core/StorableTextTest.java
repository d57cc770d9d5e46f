package dev.actorbound.keycloak.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class StorableTextTest {

    @Property
    void textWithANulAnywhereIsNotStorable(@ForAll String before, @ForAll String after) {
        assertThat(StorableText.storable(before + "\u0000" + after)).isFalse();
        assertThat(StorableText.storable("ok", before + "\u0000" + after)).isFalse();
    }

    @Property
    void textWithoutANulIsStorable(@ForAll String value) {
        String withoutNul = value.replace("\u0000", "");
        assertThat(StorableText.storable(withoutNul)).isTrue();
        assertThat(StorableText.storable(withoutNul, null)).isTrue();
    }

    @Test
    void aFieldIsNamedBeforeTheComponentName() {
        Map<String, List<String>> config = new LinkedHashMap<>();
        config.put("agent", List.of("a\u0000"));
        assertThat(StorableText.firstUnstorableField("a\u0000", config)).contains("agent");
        assertThat(StorableText.firstUnstorableField("a\u0000", Map.of("agent", List.of("a")))).contains("name");
        assertThat(StorableText.firstUnstorableField("a", Map.of("x\u0000", List.of("1")))).contains("x\u0000");
        assertThat(StorableText.firstUnstorableField("a", Map.of("agent", List.of("a", "b")))).isEmpty();
        assertThat(StorableText.firstUnstorableField(null, null)).isEmpty();
    }
}
