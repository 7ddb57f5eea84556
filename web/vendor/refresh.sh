#!/bin/sh
# Refresh the vendored browser libraries from the npm registry (pinned versions).
#   web/vendor/socket.io.esm.min.js   <- socket.io-client (ES module build, served to browsers)
#   web/vendor/jsQR.js                <- jsqr (UMD build: a classic script setting window.jsQR;
#                                        the kiosk loads it when it first scans without a
#                                        BarcodeDetector, see web/js/kiosk-scan.js)
#   tests/e2e/vendor/axe.min.js       <- axe-core (injected into pages by the e2e tests)
# Usage: sh web/vendor/refresh.sh   (from anywhere; needs npm and tar)
set -eu
SOCKET_IO_CLIENT=4.8.1
AXE_CORE=4.10.3
JSQR=1.4.0

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fetch() {  # fetch <package> <version> -> unpacked into $work/<package>
    (cd "$work" && npm pack --silent "$1@$2" >/dev/null)
    mkdir -p "$work/$1"
    tar -xzf "$work/$1-$2.tgz" -C "$work/$1"
}

fetch socket.io-client "$SOCKET_IO_CLIENT"
cp "$work/socket.io-client/package/dist/socket.io.esm.min.js" "$here/socket.io.esm.min.js"

fetch jsqr "$JSQR"
cp "$work/jsqr/package/dist/jsQR.js" "$here/jsQR.js"

fetch axe-core "$AXE_CORE"
mkdir -p "$root/tests/e2e/vendor"
cp "$work/axe-core/package/axe.min.js" "$root/tests/e2e/vendor/axe.min.js"

cat > "$here/VERSIONS" <<VERSIONS
socket.io-client $SOCKET_IO_CLIENT (MIT) socket.io.esm.min.js
jsqr $JSQR (Apache-2.0) jsQR.js
axe-core $AXE_CORE (MPL-2.0) tests/e2e/vendor/axe.min.js
VERSIONS
echo "vendored socket.io-client $SOCKET_IO_CLIENT, jsqr $JSQR and axe-core $AXE_CORE"
