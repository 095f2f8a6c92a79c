# Source this file (bash): `source scripts/pulumi-env.sh`. It provides the real engine through
# scripts/toolchain.sh (installed tools first, else the cache, else a build from the Go module proxy), puts it on
# PATH, points PULUMI_HOME into the cache, sets the offline Pulumi variables and installs the provider plugins into
# PULUMI_HOME when they are missing. Returns 1, naming what is missing, when a tool can be neither found nor built.
#
#   ISTIO_MESH_TOOLS              cache root (default ~/.cache/istio-mesh/tools), shared with scripts/toolchain.sh
#   ISTIO_MESH_ENV_TOOLS          tools to provide (default "pulumi kubernetes")
#   PULUMI_BACKEND_URL            kept when set; default file://<repo>/.pulumi-state (git-ignored)
#   PULUMI_HOME                   kept when the tools are an installed Pulumi; default <cache>/pulumi-home
#   KUBECONFIG                    unset unless ISTIO_MESH_KEEP_KUBECONFIG=1: render mode must contact no cluster

_istio_mesh_env() {
  local repo tools list tool version dir origin any_installed=0
  repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd) || return 1
  tools=${ISTIO_MESH_TOOLS:-$HOME/.cache/istio-mesh/tools}
  # shellcheck disable=SC2086 # the tool list is a space-separated word list on purpose
  list=$("$repo/scripts/toolchain.sh" ${ISTIO_MESH_ENV_TOOLS:-pulumi kubernetes}) || return 1

  local path_dirs=() providers=()
  while IFS=$'\t' read -r tool version dir origin; do
    [[ -n $tool ]] || continue
    [[ $origin == installed ]] && any_installed=1
    case $tool in
      pulumi) path_dirs+=("$dir") ;;
      istioctl) export ISTIOCTL="$dir/istioctl" ;;
      *) providers+=("$tool $version $dir $origin") ;;
    esac
  done <<<"$list"

  local d
  for d in "${path_dirs[@]}"; do
    case ":$PATH:" in *":$d:"*) ;; *) PATH="$d:$PATH" ;; esac
  done
  export PATH
  if [[ $any_installed == 0 || -z ${PULUMI_HOME:-} ]]; then
    export PULUMI_HOME="$tools/pulumi-home"
  fi
  export PULUMI_BACKEND_URL=${PULUMI_BACKEND_URL:-file://$repo/.pulumi-state}
  export PULUMI_CONFIG_PASSPHRASE=${PULUMI_CONFIG_PASSPHRASE:-}
  export PULUMI_SKIP_UPDATE_CHECK=true
  export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
  export PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK=true
  # The engine uses the plugins installed in PULUMI_HOME, not a binary of the same name found on PATH.
  export PULUMI_IGNORE_AMBIENT_PLUGINS=true
  # Render mode contacts a cluster named by a kubeconfig it finds, so offline runs must not inherit one.
  [[ ${ISTIO_MESH_KEEP_KUBECONFIG:-0} == 1 ]] || unset KUBECONFIG
  mkdir -p "$PULUMI_HOME"
  if [[ $PULUMI_BACKEND_URL == file://* ]]; then mkdir -p "${PULUMI_BACKEND_URL#file://}"; fi

  # The engine loads a provider plugin by the exact version of the npm package that registers the resources.
  local entry bin plugin_dir
  for entry in "${providers[@]}"; do
    read -r tool version dir origin <<<"$entry"
    # An installed plugin of another PULUMI_HOME is installed into this one from its binary.
    [[ $origin == installed && $dir == "$PULUMI_HOME"/* ]] && continue
    bin="$dir/pulumi-resource-$tool"
    plugin_dir="$PULUMI_HOME/plugins/resource-$tool-v$version"
    if [[ -x $plugin_dir/pulumi-resource-$tool ]] && cmp -s "$bin" "$plugin_dir/pulumi-resource-$tool"; then
      continue
    fi
    pulumi plugin install resource "$tool" "$version" --file "$bin" --reinstall >&2 || {
      echo "pulumi-env: installing the $tool plugin $version from $bin failed" >&2
      return 1
    }
  done
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  echo "pulumi-env.sh is meant to be sourced: source ${BASH_SOURCE[0]}" >&2
  exit 2
fi
_istio_mesh_env
