package dev.actorbound.resourceserver;

import java.util.Map;
import java.util.stream.Collectors;

/** RFC 6750 §3 / RFC 7235 challenge syntax: {@code Bearer name="value", ...} with only the characters it allows. */
final class Challenges {

    private Challenges() {
    }

    static String bearer(Map<String, String> params) {
        if (params.isEmpty()) {
            return "Bearer";
        }
        return "Bearer " + params.entrySet().stream()
                .map(e -> e.getKey() + "=\"" + quotable(e.getValue()) + "\"")
                .collect(Collectors.joining(", "));
    }

    /**
     * RFC 6750 §3 limits {@code error_description} and {@code scope} to printable ASCII without {@code "} and
     * {@code \}; a URL needs no more. Anything else becomes {@code ?}, so that no value can end the quoted string
     * or smuggle a header line.
     */
    static String quotable(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            out.append(c >= 0x20 && c <= 0x7e && c != '"' && c != '\\' ? c : '?');
        }
        return out.toString();
    }
}
