package dev.actorbound.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code java -jar demo/target/actorbound-demo.jar [--keycloak=http://localhost:8080] [--realm=demo]
 * [--api=http://localhost:8090/mcp] [--callback-port=8089]}: the demo against {@code run-demo.sh}'s Keycloak. It
 * prints the two URLs a person has to open (consent, then revocation) and waits for them.
 */
public final class DemoCli {

    private DemoCli() {
    }

    public static void main(String[] args) throws Exception {
        DemoSettings settings;
        try {
            settings = DemoSettings.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        try {
            Demo.Result result = new Demo(settings, new Console(System.out), System.out).run();
            boolean asExpected = result.plannerReadsTrips() == 200 && result.bookingBooks() == 200
                    && result.afterRevocation() == 401;
            System.out.println();
            System.out.println(asExpected ? "Done: every step behaved as described."
                    : "Something behaved differently from the README: see the answers above.");
            System.exit(asExpected ? 0 : 1);
        } catch (IllegalStateException e) {
            System.err.println("The demo stopped: " + e.getMessage());
            System.exit(1);
        }
    }

    /** A person at the terminal. */
    private static final class Console implements Interaction {

        private final PrintStream out;
        private final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));

        Console(PrintStream out) {
            this.out = out;
        }

        @Override
        public void consent(String authorizationUrl) {
            out.println("   Open this URL in a browser, log in (alice / alice) and allow the Trip Planner:");
            out.println();
            out.println("   " + authorizationUrl);
            out.println();
            out.println("   Waiting for the browser to come back to the demo's loopback redirect ...");
        }

        @Override
        public void revoke(String myAgentsUrl, String accountConsoleUrl) {
            out.println("   Open " + myAgentsUrl + " and click Revoke next to Trip Planner");
            out.println("   (or the account console, " + accountConsoleUrl + ", Trip Planner -> Remove access),");
            out.println("   then press Enter here.");
            try {
                in.readLine();
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the terminal", e);
            }
        }
    }
}
