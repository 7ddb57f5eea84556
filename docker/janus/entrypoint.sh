#!/bin/sh
# Render /etc/janus-odr (docker/janus, mounted read-only) into a private folder with the secrets
# from the environment (hex secrets: sed substitutes them as they are), then run janus on it.
# Usage: janus-entrypoint [SOURCE [TARGET]].
set -eu
: "${JANUS_API_SECRET:?set JANUS_API_SECRET (docker/.env)}"
: "${JANUS_ADMIN_KEY:?set JANUS_ADMIN_KEY (docker/.env)}"
src="${1:-/etc/janus-odr}"
conf="${2:-/tmp/janus-conf}"
umask 077
mkdir -p "$conf"
for f in "$src"/*.jcfg; do
    sed -e "s|@JANUS_API_SECRET@|$JANUS_API_SECRET|g" \
        -e "s|@JANUS_ADMIN_KEY@|$JANUS_ADMIN_KEY|g" "$f" > "$conf/$(basename "$f")"
done
exec janus -C "$conf/janus.jcfg" -F "$conf" -o
