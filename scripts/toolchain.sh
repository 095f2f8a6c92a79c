#!/usr/bin/env bash
# Finds the offline Pulumi toolchain (CLI + Node.js language host, kubernetes/tls/random provider plugins, istioctl)
# and prints where each tool is. Builds only istioctl, from the Go module proxy.
#
#   scripts/toolchain.sh [all | pulumi kubernetes tls random istioctl ...]
#
# Output (stdout): one line per tool, `<tool>\t<npm version>\t<bin dir>\t<installed|built:<source version>>`;
# notes go to stderr. Exit 1, naming every missing tool, when one cannot be found.
#
# Where a tool is looked for, in order:
#   1. installed: `pulumi` with `pulumi-language-nodejs` on PATH; a provider plugin already installed in
#      $PULUMI_HOME (default ~/.pulumi) at the npm package's version; `istioctl` on PATH;
#   2. the cache: $ISTIO_MESH_TOOLS/<tool>-<version>/bin (default ~/.cache/istio-mesh/tools), newest version first;
#   3. istioctl only: `go install` from the Go module proxy, into the cache.
# The module proxy serves neither the Pulumi language host nor the provider plugins (docs/render.md), so the
# Pulumi CLI and plugins are never built here: install them (docs/render.md says how) or use a warm cache.
set -euo pipefail

REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS_DIR=${ISTIO_MESH_TOOLS:-$HOME/.cache/istio-mesh/tools}
# The pinned release is domain/version.ts's ISTIO_VERSION, the program's default (one pin for the whole project).
ISTIO_VERSION=${ISTIO_MESH_ISTIO_VERSION:-$(sed -n 's/^export const ISTIO_VERSION = "\(.*\)";$/\1/p' "$REPO_DIR/domain/version.ts")}
# Istio publishes no Go module tags, so the proxy serves pseudo-versions only. The release commit of 1.30.3 is
# tried first; when the proxy refuses it, the newest pseudo-version it serves (`@latest`, Istio master) is used.
ISTIO_COMMIT=${ISTIO_MESH_ISTIO_COMMIT:-56df41f63e513f834c9a3af33d8aed82d1d961f2}

log() { printf '%s\n' "toolchain: $*" >&2; }

npm_version() { # npm_version <name>: version of @pulumi/<name> as installed, else as pinned in package.json
  local f="$REPO_DIR/node_modules/@pulumi/$1/package.json" v=""
  [[ -f $f ]] && v=$(sed -n 's/^  "version": *"\([^"]*\)".*/\1/p' "$f" | head -n1)
  [[ -n $v ]] || v=$(sed -n "s/.*\"@pulumi\/$1\": *\"[^0-9]*\([0-9][^\"]*\)\".*/\1/p" "$REPO_DIR/package.json" | head -n1)
  printf '%s\n' "${v#v}"
}

label_of() { case $1 in istioctl) echo "$ISTIO_VERSION" ;; *) npm_version "$1" ;; esac; }

binaries_of() {
  case $1 in
    pulumi) echo "pulumi pulumi-language-nodejs" ;;
    istioctl) echo istioctl ;;
    *) echo "pulumi-resource-$1" ;;
  esac
}

in_cache() { [[ $1 == "$TOOLS_DIR"/* ]]; }

installed_dir() { # installed_dir <tool>: a directory holding an installed tool (outside the cache), or nothing
  local tool=$1 p home
  case $tool in
    pulumi)
      p=$(command -v pulumi 2>/dev/null) || return 1
      in_cache "$p" && return 1
      command -v pulumi-language-nodejs >/dev/null 2>&1 || [[ -x $(dirname "$p")/pulumi-language-nodejs ]] || return 1
      dirname "$p" ;;
    istioctl)
      p=$(command -v istioctl 2>/dev/null) || return 1
      in_cache "$p" && return 1
      dirname "$p" ;;
    *)
      home=${PULUMI_HOME:-$HOME/.pulumi}
      in_cache "$home" && return 1
      p="$home/plugins/resource-$tool-v$(npm_version "$tool")"
      [[ -x $p/pulumi-resource-$tool ]] || return 1
      echo "$p" ;;
  esac
}

cached_dir() { # cached_dir <tool>: the newest complete <tool>-<version> directory in the cache, or nothing
  local tool=$1 d b ok
  while IFS= read -r d; do
    [[ -d $d/bin && $d != *.tmp.* ]] || continue
    ok=1
    for b in $(binaries_of "$tool"); do [[ -x $d/bin/$b ]] || ok=0; done
    [[ $ok == 1 ]] && { echo "$d"; return 0; }
  done < <(ls -d "$TOOLS_DIR/$tool"-* 2>/dev/null | sort -rV)
  return 1
}

source_version() { # version recorded in BUILD-INFO, else the directory's suffix
  local d=$1 tool=$2 v=""
  [[ -f $d/BUILD-INFO ]] && v=$(sed -n 's/^source_version=//p' "$d/BUILD-INFO")
  echo "${v:-${d##*/$tool-}}"
}

build_istioctl() { # go install from the module proxy; prints the cache dir
  command -v go >/dev/null || { log "istioctl: go is needed to build it"; return 1; }
  local v="" candidate
  for candidate in "$ISTIO_COMMIT" latest; do
    v=$(GOFLAGS=-mod=mod go list -m -f '{{.Version}}' "istio.io/istio@$candidate" 2>/dev/null) &&
      go mod download "istio.io/istio@$v" >/dev/null 2>&1 && break
    log "istioctl: the module proxy does not serve istio.io/istio@$candidate"; v=""
  done
  [[ -n $v ]] || return 1
  local final="$TOOLS_DIR/istioctl-$v" tmp="$TOOLS_DIR/istioctl-$v.tmp.$$" start=$SECONDS
  mkdir -p "$TOOLS_DIR/logs" "$tmp/bin"
  log "istioctl: building istio.io/istio@$v (log: $TOOLS_DIR/logs/istioctl-$v.log)"
  # Without a build version istioctl reports "unknown"; record which source it is.
  if ! GOBIN="$tmp/bin" GOFLAGS=-buildvcs=false GOTOOLCHAIN=local nice -n 10 go install -p 2 -trimpath \
      -ldflags "-s -w -X istio.io/istio/pkg/version.buildVersion=$v" \
      "istio.io/istio/istioctl/cmd/istioctl@$v" >"$TOOLS_DIR/logs/istioctl-$v.log" 2>&1; then
    tail -n 30 "$TOOLS_DIR/logs/istioctl-$v.log" >&2; rm -rf "$tmp"; return 1
  fi
  printf 'tool=istioctl\nsource_version=%s\nnpm_version=%s\nbuilt=%s\ngo=%s\n' "$v" "$ISTIO_VERSION" \
    "$(date -u +%FT%TZ)" "$(go env GOVERSION)" >"$tmp/BUILD-INFO"
  rm -rf "$final"; mv "$tmp" "$final"
  log "istioctl: built in $((SECONDS - start))s"
  echo "$final"
}

main() {
  local tools=() t d label missing=() lines=()
  while [[ $# -gt 0 ]]; do
    case $1 in
      --prefer-installed) ;; # installed tools always come first now; accepted for older callers
      -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
      all) tools+=(pulumi kubernetes tls random istioctl) ;;
      pulumi|kubernetes|tls|random|istioctl) tools+=("$1") ;;
      *) log "error: unknown argument '$1' (expected: all, pulumi, kubernetes, tls, random, istioctl)"; exit 1 ;;
    esac
    shift
  done
  [[ ${#tools[@]} -gt 0 ]] || tools=(pulumi kubernetes tls random istioctl)

  for t in "${tools[@]}"; do
    label=$(label_of "$t")
    if d=$(installed_dir "$t"); then
      lines+=("$t"$'\t'"$label"$'\t'"$d"$'\tinstalled'); continue
    fi
    if ! d=$(cached_dir "$t"); then
      # istioctl is built only when nothing else is missing: a long build is pointless without the engine.
      if [[ $t == istioctl && ${#missing[@]} -eq 0 ]] && d=$(mkdir -p "$TOOLS_DIR" && exec {fd}>"$TOOLS_DIR/.lock-istioctl" && flock "$fd" &&
          { cached_dir istioctl || build_istioctl; }); then :; else
        case $t in
          pulumi) missing+=("the Pulumi CLI with the Node.js language host (pulumi and pulumi-language-nodejs on PATH)") ;;
          istioctl) missing+=("istioctl (on PATH, or built with go from the module proxy once the rest is found)") ;;
          *) missing+=("the $t provider plugin $label (pulumi plugin install resource $t $label)") ;;
        esac
        continue
      fi
    fi
    local src; src=$(source_version "$d" "$t")
    if [[ $src != "$label" && ! ($t == istioctl && $src == "$ISTIO_COMMIT") ]]; then
      log "note: $t is built from $src, not $label, which cannot be obtained here (docs/render.md)"
    fi
    lines+=("$t"$'\t'"$label"$'\t'"$d/bin"$'\t'"built:$src")
  done
  if [[ ${#missing[@]} -gt 0 ]]; then
    log "missing: $(IFS=';'; echo "${missing[*]}" | sed 's/;/; /g')"
    exit 1
  fi
  printf '%s\n' "${lines[@]}"
}

# `exit` on the same line: bash reads a script as it runs, so an edit while it runs cannot break it.
main "$@"; exit
