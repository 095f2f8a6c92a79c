#!/usr/bin/env bash
# npm run render: renders the whole mesh of the `local` stack to YAML in rendered/ with the real Pulumi engine,
# the Kubernetes provider in render mode and the policy pack enforced. No cluster and no kubeconfig are used.
#
#   npm run render [-- --diff]
#
#   ISTIO_MESH_STACK   stack to render (default local; its Pulumi.<stack>.yaml sets kubernetes:renderYamlToDirectory)
# The engine comes from scripts/pulumi-env.sh: installed tools, else the cache, else a build from the Go module
# proxy on the first run (about 30 CPU-minutes; docs/render.md). The program runs inline through the
# Automation API (bin/stack.ts), so no Node.js language host is needed.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
STACK=${ISTIO_MESH_STACK:-local}

source scripts/node.sh
if [[ ! -d node_modules/@pulumi/pulumi ]]; then
  echo "render: installing node_modules (npm ci --ignore-scripts)"
  npm ci --ignore-scripts --no-audit --no-fund >/dev/null
fi
if ! source scripts/pulumi-env.sh; then
  echo "render: FAILED: the Pulumi engine is not available (the toolchain line above says what is missing;" \
    "docs/render.md)." >&2
  exit 1
fi

# The directory is the stack's kubernetes:renderYamlToDirectory, relative to the project root (the provider runs there).
out=$(sed -n 's/^  kubernetes:renderYamlToDirectory: *//p' "Pulumi.$STACK.yaml" | tr -d '"' | head -n1)
[[ -n $out ]] || { echo "render: Pulumi.$STACK.yaml sets no kubernetes:renderYamlToDirectory" >&2; exit 1; }
[[ $out == /* ]] || out="$REPO/$out"

# The provider writes a file only when its resource changes: with the files gone but the state kept, an up would
# report no changes and write nothing. Start the stack's state afresh then (its config file is kept).
if pulumi stack ls --json 2>/dev/null | grep -q "\"name\": \"$STACK\""; then
  if [[ ! -d $out || -z $(ls -A "$out" 2>/dev/null) ]]; then
    echo "render: $out is empty, so the state of stack $STACK is discarded and everything is rendered again"
    pulumi stack rm "$STACK" --yes --force --preserve-config >/dev/null
  fi
fi
start=$SECONDS
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
node -r ts-node/register/transpile-only bin/stack.ts up --stack "$STACK" "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
elapsed=$((SECONDS - start))

echo
echo "== render summary (stack $STACK, ${elapsed}s) =="
# Preview and update each list the violations: count distinct policy/resource pairs.
mandatory=$({ grep '\[mandatory\]' "$log" || true; } | sed 's/^ *//' | sort -u | wc -l)
advisory=$({ grep '\[advisory\]' "$log" || true; } | sed 's/^ *//' | sort -u | wc -l)
if [[ $rc -ne 0 ]]; then
  echo "up FAILED (exit $rc); mandatory policy violations: $mandatory"
  exit "$rc"
fi
echo "policy pack istio-mesh-guard: enforced, $mandatory mandatory violation(s), $advisory advisory (listed above)"
node -e '
const fs = require("fs"), path = require("path"), YAML = require("yaml");
const dir = process.argv[1], counts = new Map(); let files = 0, docs = 0;
const walk = (d) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) {
  const p = path.join(d, e.name);
  if (e.isDirectory()) walk(p);
  else if (/\.ya?ml$/.test(e.name)) { files++;
    for (const doc of YAML.parseAllDocuments(fs.readFileSync(p, "utf8"))) {
      const o = doc.toJS(); if (!o || !o.kind) continue; docs++;
      counts.set(o.kind, (counts.get(o.kind) ?? 0) + 1); } } } };
walk(dir);
console.log(`manifests: ${docs} objects in ${files} files under ${dir}`);
for (const [kind, n] of [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) console.log(`  ${String(n).padStart(4)}  ${kind}`);
' "$out"
