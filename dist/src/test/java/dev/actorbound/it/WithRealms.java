package dev.actorbound.it;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An IT class on the shared real Keycloak ({@link KeycloakServer}) whose {@link TestRealm} parameters are fresh
 * realms, deleted when the class (or the test that asked) is done ({@link FreshRealm}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith({KeycloakServer.class, FreshRealm.class})
public @interface WithRealms {
}
