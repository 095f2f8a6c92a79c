#!/usr/bin/env bash
# npm run test:e2e: the end-to-end tests with the real Pulumi engine (test/e2e/*.e2e.ts, docs/render.md).
# scripts/pulumi-env.sh provides the engine and istioctl: installed ones, else the cache, else a build from the
# Go module proxy (the first run takes about 30 CPU-minutes). When they can be neither found nor built,
# the tests fail: they do not skip.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node.sh
[[ -d node_modules/@pulumi/pulumi ]] || npm ci --ignore-scripts --no-audit --no-fund >/dev/null
export ISTIO_MESH_ENV_TOOLS=${ISTIO_MESH_ENV_TOOLS:-pulumi kubernetes istioctl}
if ! source scripts/pulumi-env.sh; then
  echo "e2e: FAILED: the real engine could not be provided (the toolchain lines above say why; docs/render.md)" >&2
  exit 1
fi
exec npx mocha --config test/e2e/.mocharc.yml "$@"
