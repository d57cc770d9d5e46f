package dev.actorbound.it;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Closes the shared Keycloak ({@link KeycloakProcess#shared()}) when the launcher session ends: after every test
 * engine of the run, so Jupiter's ITs and jqwik's properties use the same server whichever engine runs first.
 * Registered in {@code META-INF/services}.
 */
public final class SharedKeycloak implements LauncherSessionListener {

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        KeycloakProcess.closeShared();
    }
}
