#!/usr/bin/env bash
# Runs the delegation benchmark against a real Keycloak 26.7.3 with the jar, on loopback: every delegated request beside
# Keycloak's own twin, in the same run, at 1 and at 2 x cores clients. Writes dist/target/benchmark/results.md and
# results.json (with the machine it ran on). Needs only a JDK 17+; the first run downloads Maven, Keycloak and Cerbos.
#
#   ./benchmark.sh                                  embedded database (H2), 400 requests per side and concurrency
#   REQUESTS=1000 ./benchmark.sh                    more requests (WARMUP, ROUNDS and ROLES may be set alike)
#   ./benchmark.sh --postgres JDBC_URL USER PASSWORD   Keycloak in production mode on that (empty) PostgreSQL database
set -euo pipefail
cd "$(dirname "$0")"

database=()
if [ "${1:-}" = "--postgres" ]; then
  [ $# -eq 4 ] || { echo "usage: $0 --postgres JDBC_URL USER PASSWORD" >&2; exit 2; }
  database=(-Dit.db=postgres "-Dit.db.url=$2" "-Dit.db.username=$3" "-Dit.db.password=$4")
elif [ $# -gt 0 ]; then
  echo "usage: $0 [--postgres JDBC_URL USER PASSWORD]" >&2; exit 2
fi

./mvnw -B -q install -DskipTests
./mvnw -B verify -pl dist -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dit.test=DelegationBenchmarkIT \
  -Dit.benchmark.requests="${REQUESTS:-400}" -Dit.benchmark.warmup="${WARMUP:-50}" \
  -Dit.benchmark.rounds="${ROUNDS:-8}" -Dit.benchmark.roles="${ROLES:-1000}" \
  "${database[@]}"
echo
echo "Results: dist/target/benchmark/results.md and dist/target/benchmark/results.json"
