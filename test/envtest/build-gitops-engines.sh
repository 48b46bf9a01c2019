#!/usr/bin/env bash
# Builds the GitOps engines the walk tests drive, from Go modules at pinned versions, into the same cache
# root as the real API server: ${XDG_CACHE_HOME:-$HOME/.cache}/threescale-migrate/envtest/<name>-<key>/.
#   kustomize-controller  Flux's kustomize-controller, the release pinned in flux/go.mod (tool directive)
#   argo-harness          our harness around Argo CD's gitops-engine and gopher-lua (argo/)
# A binary already in the cache is kept. Prints the paths built. Argument: flux, argo or all (default). Needs Go (go.mod's version) and the module proxy.
set -euo pipefail
export LC_ALL=C
here="$(cd "$(dirname "$0")" && pwd)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/threescale-migrate/envtest"

what="${1:-all}"

build_flux() {
flux_version="$(sed -n 's#^\s*github.com/fluxcd/kustomize-controller \(v[^ ]*\).*#\1#p' "$here/flux/go.mod" | head -n1)"
flux_dir="$cache/kustomize-controller-$flux_version"
if [ ! -x "$flux_dir/kustomize-controller" ]; then
  mkdir -p "$flux_dir"
  (cd "$here/flux" && go build -trimpath -o "$flux_dir/kustomize-controller.tmp" github.com/fluxcd/kustomize-controller)
  mv "$flux_dir/kustomize-controller.tmp" "$flux_dir/kustomize-controller"
fi
# The CRDs the walk installs: the Kustomization of that release, and the sources of the source-controller
# release whose API it requires (kustomize-controller watches all of them), from the module cache.
if [ ! -f "$flux_dir/crds/kustomize.toolkit.fluxcd.io_kustomizations.yaml" ]; then
  src_version="$(sed -n 's#^\s*github.com/fluxcd/source-controller/api \(v[^ ]*\).*#\1#p' "$here/flux/go.mod" | head -n1)"
  ks_src="$(cd "$here/flux" && go list -m -f '{{.Dir}}' github.com/fluxcd/kustomize-controller)"
  sc_src="$(cd "$here/flux" && go mod download -json "github.com/fluxcd/source-controller@$src_version" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')"
  mkdir -p "$flux_dir/crds"
  cp "$ks_src/config/crd/bases/kustomize.toolkit.fluxcd.io_kustomizations.yaml" "$flux_dir/crds/"
  for kind in gitrepositories ocirepositories buckets externalartifacts; do
    cp "$sc_src/config/crd/bases/source.toolkit.fluxcd.io_$kind.yaml" "$flux_dir/crds/"
  done
fi
echo "$flux_dir/kustomize-controller"
}

build_argo() {

argo_key="$(cat "$here"/argo/go.mod "$here"/argo/go.sum "$here"/argo/*.go | sha256sum | cut -c1-12)"
argo_dir="$cache/argo-harness-$argo_key"
if [ ! -x "$argo_dir/argo-harness" ]; then
  mkdir -p "$argo_dir"
  (cd "$here/argo" && go build -trimpath -o "$argo_dir/argo-harness.tmp" .)
  mv "$argo_dir/argo-harness.tmp" "$argo_dir/argo-harness"
fi
echo "$argo_dir/argo-harness"
}

case "$what" in
  flux) build_flux ;;
  argo) build_argo ;;
  all) build_argo; build_flux ;;
  *) echo "usage: $0 [flux|argo|all]" >&2; exit 2 ;;
esac
