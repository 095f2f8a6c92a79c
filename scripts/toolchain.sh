#!/usr/bin/env bash
# Provides the real Pulumi engine for `npm run render` and the e2e tests, and istioctl for the e2e tests:
# installed tools when a complete install exists, else builds from the Go module proxy, cached and reused.
#
#   scripts/toolchain.sh [--no-build] [all | pulumi kubernetes istioctl tls random ...]
#
# Output (stdout): one line per tool, `<tool>\t<version>\t<bin dir>\t<installed|built>`; progress and notes go
# to stderr. Exit 1, naming every missing tool, when one can be neither found nor built.
#
# Where each tool comes from, in order:
#   1. installed: a complete Pulumi install (`pulumi` and `pulumi-language-nodejs` on PATH) with its provider
#      plugins in $PULUMI_HOME (default ~/.pulumi) at the @pulumi/* npm versions; `istioctl` on PATH;
#   2. the cache, $ISTIO_MESH_TOOLS (default ~/.cache/istio-mesh/tools)/<tool>-<version>-<recipe hash>;
#   3. pulumi, kubernetes and istioctl only: built with Go from this repository's pinned wrapper modules
#      (toolchain/<tool>/go.mod and go.sum) into the cache. Missing ones build in parallel. The first build takes
#      about 30 CPU-minutes (15-50 minutes on 2 cores, docs/render.md); later runs reuse the cache in well under a second.
# The tls and random providers cannot be built here (the module proxy does not serve them): they are used only
# when installed, and the features that need them are outside the `local` stack (docs/render.md).
set -euo pipefail

REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS_DIR=${ISTIO_MESH_TOOLS:-$HOME/.cache/istio-mesh/tools}
RECIPES="$REPO_DIR/toolchain"
[[ -x /usr/local/go/bin/go ]] && PATH="$PATH:/usr/local/go/bin"

log() { printf '%s\n' "toolchain: $*" >&2; }

npm_version() { # npm_version <name>: the version of @pulumi/<name> pinned in package.json
  sed -n "s/.*\"@pulumi\/$1\": *\"[^0-9]*\([0-9][^\"]*\)\".*/\1/p" "$REPO_DIR/package.json" | head -n1
}

module_version() { # module_version <recipe> <module path>: the version a wrapper go.mod requires
  sed -n "s#^[[:space:]]*\(require \)\{0,1\}$2 \(v[^ ]*\).*#\2#p" "$RECIPES/$1/go.mod" | head -n1
}

version_of() {
  case $1 in
    pulumi) module_version pulumi github.com/pulumi/pulumi/pkg/v3 ;;
    istioctl) module_version istioctl istio.io/istio ;;
    *) npm_version "$1" ;;
  esac
}

binary_of() { case $1 in pulumi | istioctl) echo "$1" ;; *) echo "pulumi-resource-$1" ;; esac; }

buildable() { [[ $1 == pulumi || $1 == kubernetes || $1 == istioctl ]]; }

recipe_hash() { # a change to the wrapper module or its go.sum makes a new cache entry
  cat "$RECIPES/$1"/* | sha256sum | cut -c1-12
}

cache_dir() { echo "$TOOLS_DIR/$1-$(version_of "$1")-$(recipe_hash "$1")"; }

installed_dir() { # installed_dir <tool>: a directory holding an installed tool (outside the cache), or nothing
  local tool=$1 p home
  case $tool in
    pulumi)
      p=$(command -v pulumi 2>/dev/null) || return 1
      [[ $p == "$TOOLS_DIR"/* ]] && return 1
      command -v pulumi-language-nodejs >/dev/null 2>&1 || [[ -x $(dirname "$p")/pulumi-language-nodejs ]] || return 1
      dirname "$p" ;;
    istioctl)
      p=$(command -v istioctl 2>/dev/null) || return 1
      [[ $p == "$TOOLS_DIR"/* ]] && return 1
      dirname "$p" ;;
    *)
      home=${PULUMI_HOME:-$HOME/.pulumi}
      [[ $home == "$TOOLS_DIR"/* ]] && return 1
      p="$home/plugins/resource-$tool-v$(version_of "$tool")"
      [[ -x $p/pulumi-resource-$tool ]] || return 1
      echo "$p" ;;
  esac
}

build() { # build <tool> <cache dir>: go build from the wrapper module into <cache dir>/bin
  local tool=$1 final=$2 version work logf start=$SECONDS
  version=$(version_of "$tool")
  command -v go >/dev/null || { log "$tool: Go is needed to build it (https://go.dev/doc/install)"; return 1; }
  mkdir -p "$TOOLS_DIR/logs"
  work=$(mktemp -d "$TOOLS_DIR/.build-$tool.XXXXXX")
  logf="$TOOLS_DIR/logs/$tool-$version.log"
  cp "$RECIPES/$tool"/* "$work/"
  local pkg ldflags="-s -w"
  case $tool in
    pulumi)
      pkg=github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
      ldflags+=" -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version" ;;
    istioctl)
      pkg=istio.io/istio/istioctl/cmd/istioctl
      ldflags+=" -X istio.io/istio/pkg/version.buildVersion=$version" ;;
    kubernetes)
      pkg=.
      ldflags+=" -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$version"
      # The provider's committed schema and mapping, embedded by toolchain/kubernetes/main.go.
      local mod
      mod=$(cd "$work" && go mod download -json github.com/pulumi/pulumi-kubernetes/provider/v4 | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
      [[ -n $mod ]] || { log "kubernetes: the provider module could not be downloaded"; return 1; }
      cp "$mod/cmd/pulumi-resource-kubernetes/schema.json" "$mod/cmd/pulumi-resource-kubernetes/terraform-mapping.json" "$work/"
      chmod u+w "$work"/*.json ;;
  esac
  log "$tool $version: building from the Go module proxy (first run only: the three tools take about 30 CPU-minutes, 15-50 minutes on 2 cores; log: $logf)"
  if ! (cd "$work" && GOFLAGS="-mod=readonly -buildvcs=false" GOTOOLCHAIN=local \
      nice -n 5 go build -trimpath -ldflags "$ldflags" -o "$work/out/$(binary_of "$tool")" "$pkg") >"$logf" 2>&1; then
    tail -n 30 "$logf" >&2
    log "$tool: build FAILED (log: $logf)"
    rm -rf "$work"
    return 1
  fi
  mkdir -p "$work/dist/bin"
  mv "$work/out/$(binary_of "$tool")" "$work/dist/bin/"
  printf 'tool=%s\nversion=%s\nrecipe=%s\nbuilt=%s\ngo=%s\nseconds=%s\n' "$tool" "$version" "$(recipe_hash "$tool")" \
    "$(date -u +%FT%TZ)" "$(go env GOVERSION)" "$((SECONDS - start))" >"$work/dist/BUILD-INFO"
  rm -rf "$final"
  mv "$work/dist" "$final"
  rm -rf "$work"
  log "$tool $version: built in $((SECONDS - start)) s"
}

locked_build() { # one build per tool at a time, across processes; a build finished meanwhile is reused
  local tool=$1 dir=$2 fd
  mkdir -p "$TOOLS_DIR"
  exec {fd}>"$TOOLS_DIR/.lock-$tool"
  flock "$fd"
  [[ -x $dir/bin/$(binary_of "$tool") ]] || build "$tool" "$dir"
}

main() {
  local tools=() build_allowed=1 t d
  while [[ $# -gt 0 ]]; do
    case $1 in
      --no-build) build_allowed=0 ;;
      -h | --help) sed -n '2,19p' "$0"; exit 0 ;;
      all) tools+=(pulumi kubernetes istioctl tls random) ;;
      pulumi | kubernetes | tls | random | istioctl) tools+=("$1") ;;
      *) log "error: unknown argument '$1' (expected: --no-build, all, pulumi, kubernetes, istioctl, tls, random)"; exit 2 ;;
    esac
    shift
  done
  [[ ${#tools[@]} -gt 0 ]] || tools=(pulumi kubernetes istioctl)

  local -A where=() origin=()
  local pending=() missing=()
  for t in "${tools[@]}"; do
    if d=$(installed_dir "$t"); then
      where[$t]=$d origin[$t]=installed
    elif buildable "$t"; then
      d=$(cache_dir "$t")
      where[$t]=$d/bin origin[$t]=built
      [[ -x $d/bin/$(binary_of "$t") ]] || pending+=("$t")
    else
      missing+=("the $t provider plugin $(version_of "$t") (not buildable here: pulumi plugin install resource $t $(version_of "$t") --file <binary>)")
    fi
  done

  if [[ ${#pending[@]} -gt 0 ]]; then
    if [[ $build_allowed == 0 ]]; then
      for t in "${pending[@]}"; do missing+=("$t (not built yet: run scripts/toolchain.sh $t)"); done
    else
      log "building ${pending[*]} in parallel into $TOOLS_DIR"
      local pids=() i
      for t in "${pending[@]}"; do
        locked_build "$t" "$(cache_dir "$t")" &
        pids+=($!)
      done
      for i in "${!pids[@]}"; do
        wait "${pids[$i]}" || missing+=("${pending[$i]} (build failed: $TOOLS_DIR/logs)")
      done
    fi
  fi
  if [[ ${#missing[@]} -gt 0 ]]; then
    log "missing: $(IFS=';'; echo "${missing[*]}" | sed 's/;/; /g')"
    exit 1
  fi
  for t in "${tools[@]}"; do
    printf '%s\t%s\t%s\t%s\n' "$t" "$(version_of "$t")" "${where[$t]}" "${origin[$t]}"
  done
}

# `exit` on the same line: bash reads a script as it runs, so an edit while it runs cannot break it.
main "$@"; exit
