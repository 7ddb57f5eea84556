#!/bin/sh
# `serve` (the default): `odr init` first, then `odr serve --host 0.0.0.0`.
# `odr init` is idempotent (migrations, audit-log key, court CA: each made only when missing);
# flock makes the replicas that share the data volume run it one after the other, so that
# two first starts do not both create the schema or the keys.
# Anything else runs as given, e.g. `docker compose exec server1 odr user add ...`.
set -eu

if [ "${1:-serve}" = "serve" ]; then
    [ "$#" -gt 0 ] && shift
    data="${ODR_DATA_DIR:-/data}"
    mkdir -p "$data"
    flock "$data/.odr-init.lock" odr init
    exec odr serve --host 0.0.0.0 "$@"
fi
exec "$@"
