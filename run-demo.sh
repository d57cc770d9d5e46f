#!/usr/bin/env bash
# Builds Actorbound, unpacks Keycloak 26.7.3 with the jar in providers/, imports the demo realm and starts Keycloak
# in development mode on its embedded file database. Needs only a JDK 17+. PORT=9090 ./run-demo.sh picks another port.
set -euo pipefail
cd "$(dirname "$0")"

PORT="${PORT:-8080}"
KEYCLOAK_HOME="dist/target/keycloak-26.7.3"

echo "Building Actorbound and unpacking Keycloak 26.7.3 (the first run downloads Maven and Keycloak)..."
./mvnw -B -q -DskipTests package

mkdir -p "$KEYCLOAK_HOME/data/import"
cp dist/src/main/demo/demo-realm.json "$KEYCLOAK_HOME/data/import/demo-realm.json"

cat <<BANNER

  Actorbound demo on Keycloak 26.7.3
  ----------------------------------
  Admin console  http://localhost:$PORT/admin        admin / admin
  Demo realm     demo    (http://localhost:$PORT/realms/demo/account)
  Users          alice / alice    (roles reader, writer: plans and books)
                 bob / bob        (role reader: plans, cannot book)
                 carol / carol    (no trip roles)
  App            travel-planner   public client, PKCE S256, redirect http://localhost:8089/*
                 travel-backend   / backend-secret
  Agents         planner-agent    / planner-secret   "Trip Planner"  (may use: reader, writer; hands off to booking-agent)
                 booking-agent    / booking-secret   "Booking Agent" (may use: writer)
  APIs           travel-api       / travel-api-secret   resource http://localhost:8090/mcp (the demo API)
                 calendar-api     / calendar-api-secret resource http://localhost:8091/calendar
  Not an agent   not-an-agent     / plain-secret
  Agents page    admin console → realm demo → Agents
  My agents      http://localhost:$PORT/realms/demo/actorbound/my-agents   (what a user allowed, with Revoke)

  Try the flow: README.md, "Walkthrough with curl (demo realm)"$( [ "$PORT" = 8080 ] || echo " (use port $PORT)").
  The realm is imported on the first start only; delete $KEYCLOAK_HOME/data/h2 to start over.
  Stop with Ctrl+C.

BANNER

export KC_BOOTSTRAP_ADMIN_USERNAME=admin
export KC_BOOTSTRAP_ADMIN_PASSWORD=admin
exec "$KEYCLOAK_HOME/bin/kc.sh" start-dev --http-port="$PORT" --import-realm --features=declarative-ui
