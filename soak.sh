#!/usr/bin/env bash
# A bounded soak against a real Keycloak 26.7.3 with the jar, on loopback: a fixed number of clients (default
# 2 x cores) send mixed delegated and plain traffic for SECONDS (default 300). Fails on any failed request or on users
# or sessions that grow with the traffic; samples the server heap after full GCs. Summary: dist/target/soak/summary.md.
#
#   ./soak.sh                      five minutes on the embedded database (H2)
#   SECONDS_=900 CLIENTS=8 ./soak.sh
#   ./soak.sh --postgres JDBC_URL USER PASSWORD
set -euo pipefail
cd "$(dirname "$0")"

database=()
if [ "${1:-}" = "--postgres" ]; then
  [ $# -eq 4 ] || { echo "usage: $0 --postgres JDBC_URL USER PASSWORD" >&2; exit 2; }
  database=(-Dit.db=postgres "-Dit.db.url=$2" "-Dit.db.username=$3" "-Dit.db.password=$4")
elif [ $# -gt 0 ]; then
  echo "usage: $0 [--postgres JDBC_URL USER PASSWORD]" >&2; exit 2
fi
clients=()
[ -n "${CLIENTS:-}" ] && clients=("-Dit.soak.clients=$CLIENTS")

./mvnw -B -q install -DskipTests
./mvnw -B verify -pl dist -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dit.test=SoakIT -Dit.soak.seconds="${SECONDS_:-300}" "${clients[@]}" "${database[@]}"
echo
echo "Summary: dist/target/soak/summary.md"
