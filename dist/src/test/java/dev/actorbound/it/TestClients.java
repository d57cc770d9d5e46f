package dev.actorbound.it;

import java.util.Map;

/**
 * Every client the ITs create, with its secret: one registry, so a client id always means the same client with the
 * same secret in every realm, and a test looks a secret up instead of copying it.
 */
public final class TestClients {

    /** The app users delegate through (public, PKCE). */
    public static final String APP = "travel-planner";
    /** A confidential app. */
    public static final String BACKEND = "travel-backend";
    public static final String BACKEND_SECRET = "backend-secret";
    /** Agents. */
    public static final String PLANNER = "planner-agent";
    public static final String PLANNER_SECRET = "planner-secret";
    public static final String BOOKING = "booking-agent";
    public static final String BOOKING_SECRET = "booking-secret";
    public static final String PAYMENT = "payment-agent";
    public static final String PAYMENT_SECRET = "payment-secret";
    public static final String AUDIT = "audit-agent";
    public static final String AUDIT_SECRET = "audit-secret";
    public static final String WIDE = "wide-agent";
    public static final String WIDE_SECRET = "wide-secret";
    /** A client with a service account that is not an agent. */
    public static final String NOT_AN_AGENT = "not-an-agent";
    public static final String NOT_AN_AGENT_SECRET = "plain-secret";
    /** Resource servers (APIs): confidential, no flows, they introspect. */
    public static final String CALENDAR_API = "calendar-api";
    public static final String CALENDAR_API_SECRET = "calendar-api-secret";
    public static final String BOOKING_API = "booking-api";
    public static final String BOOKING_API_SECRET = "booking-api-secret";
    public static final String PHOTO_API = "photo-api";
    public static final String PHOTO_API_SECRET = "photo-secret";
    public static final String INTROSPECTOR = "introspector";
    public static final String INTROSPECTOR_SECRET = "introspector-secret";

    private static final Map<String, String> SECRETS = Map.ofEntries(
            Map.entry(BACKEND, BACKEND_SECRET), Map.entry(PLANNER, PLANNER_SECRET), Map.entry(BOOKING, BOOKING_SECRET),
            Map.entry(PAYMENT, PAYMENT_SECRET), Map.entry(AUDIT, AUDIT_SECRET), Map.entry(WIDE, WIDE_SECRET),
            Map.entry(NOT_AN_AGENT, NOT_AN_AGENT_SECRET), Map.entry(CALENDAR_API, CALENDAR_API_SECRET),
            Map.entry(BOOKING_API, BOOKING_API_SECRET), Map.entry(PHOTO_API, PHOTO_API_SECRET),
            Map.entry(INTROSPECTOR, INTROSPECTOR_SECRET));

    private TestClients() {
    }

    /** The secret of a registered confidential client. */
    public static String secretOf(String clientId) {
        String secret = SECRETS.get(clientId);
        if (secret == null) {
            throw new IllegalArgumentException("no test client " + clientId + " in TestClients");
        }
        return secret;
    }
}
