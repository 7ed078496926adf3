#!/usr/bin/env bash
# Runs a conformance kit (a check.mjs that takes the server's URL) against a server started on an
# empty temporary store. Usage: scripts/conformance.sh path/to/check.mjs
set -euo pipefail
cd "$(dirname "$0")/.."
CHECK="${1:?usage: scripts/conformance.sh path/to/check.mjs}"
if [ ! -f "$CHECK" ]; then
  echo "conformance: $CHECK is not here; not run."
  exit 0
fi
PORT="${CONFORMANCE_PORT:-3917}"
DATA_DIR="$(mktemp -d)"
trap 'kill "$SERVER" 2>/dev/null || true; rm -rf "$DATA_DIR"' EXIT
npx nest build >/dev/null
DATA_DIR="$DATA_DIR" DATASETS=none PORT="$PORT" LOG_LEVEL=warn node dist/main.js &
SERVER=$!
node -e '
  const url = process.argv[1];
  const until = Date.now() + 30000;
  (async function poll() {
    try { if ((await fetch(url)).ok) return; } catch {}
    if (Date.now() > until) { console.error("conformance: the server did not start"); process.exit(1); }
    setTimeout(poll, 200);
  })();
' "http://127.0.0.1:$PORT/health"
node "$CHECK" "http://127.0.0.1:$PORT"
