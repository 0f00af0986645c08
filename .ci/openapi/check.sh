#!/usr/bin/env bash
# Starts `onewindow serve --demo` on a temporary data folder and a free
# loopback port, lints the OpenAPI document it serves with the pinned
# redocly CLI (0 errors), then generates TypeScript types from the same
# document (openapi-typescript), type-checks the client in .ci/client with
# tsc --strict and runs it: filing → status → the window's and the
# department's actions → issue, with no cast. Any failure fails CI.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

tmp=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

go build -o "$tmp/onewindow" ./cmd/onewindow
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
base="http://127.0.0.1:$port"
"$tmp/onewindow" serve --demo --data "$tmp/data" --addr "127.0.0.1:$port" >"$tmp/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  curl -fsS "$base/healthz" >/dev/null 2>&1 && break
  if ! kill -0 "$server" 2>/dev/null; then cat "$tmp/serve.log"; echo "the server did not start"; exit 1; fi
  sleep 0.2
done
curl -fsS "$base/api/v1/openapi.json" -o "$tmp/openapi.json"

echo "-- redocly lint"
(cd .ci/openapi && npm ci --no-audit --no-fund --loglevel=error && npx --no-install redocly lint --format=stylish "$tmp/openapi.json")

echo "-- generated client"
cd .ci/client
npm ci --no-audit --no-fund --loglevel=error
npx --no-install openapi-typescript "$tmp/openapi.json" -o src/schema.d.ts
npx --no-install tsc --noEmit --strict -p .
npx --no-install tsc -p .
node dist/main.js "$base"
cd "$root"
