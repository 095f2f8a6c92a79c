#!/usr/bin/env bash
# npm run stack -- <preview|up|destroy|refresh> [--stack <name>] [...]: runs the program on a stack with the real
# engine (bin/stack.ts, Automation API, inline), the engine provided by scripts/pulumi-env.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node.sh
source scripts/pulumi-env.sh || { echo "stack: the Pulumi engine is not available (docs/render.md)" >&2; exit 1; }
exec node -r ts-node/register/transpile-only bin/stack.ts "$@"
