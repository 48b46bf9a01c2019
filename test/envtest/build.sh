#!/usr/bin/env bash
# Builds the tests' real Kubernetes API server: kube-apiserver and kubectl from k8s.io/kubernetes and a small
# etcd of our own (etcd/main.go), at the releases pinned in go.mod, into a version-keyed cache outside the clone:
#   ${XDG_CACHE_HOME:-$HOME/.cache}/threescale-migrate/envtest/<k8s-version>-etcd-<etcd-version>/
# Does nothing when the three binaries are there. Prints the bin dir on stdout (progress goes to stderr).
#   build.sh            build if missing, print the dir
#   build.sh --bin-dir  only print the dir (test/support/real-api/envtest-binaries.ts reads it from here)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

pinned() { awk -v m="$1" '$1 == m && $2 ~ /^v/ { print $2; exit }' "$here/go.mod"; }
k8s_version="$(pinned k8s.io/kubernetes)"
etcd_version="$(pinned go.etcd.io/etcd/server/v3)"
[ -n "$k8s_version" ] && [ -n "$etcd_version" ] || { echo "build.sh: $here/go.mod must require k8s.io/kubernetes and go.etcd.io/etcd/server/v3" >&2; exit 2; }
bin_dir="${XDG_CACHE_HOME:-$HOME/.cache}/threescale-migrate/envtest/${k8s_version}-etcd-${etcd_version}"

if [ "${1:-}" = --bin-dir ]; then echo "$bin_dir"; exit 0; fi
if [ -x "$bin_dir/kube-apiserver" ] && [ -x "$bin_dir/kubectl" ] && [ -x "$bin_dir/etcd" ]; then
  echo "$bin_dir"; exit 0
fi

command -v go >/dev/null || { echo "build.sh: Go is needed to build the tests' API server (go.mod asks for $(awk '$1=="go"{print $2}' "$here/go.mod"))" >&2; exit 2; }
export GOWORK=off GOTOOLCHAIN=local GOFLAGS=-mod=readonly
minor="${k8s_version#v1.}"; minor="${minor%%.*}"
version_flags=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  version_flags+=" -X $pkg.gitVersion=$k8s_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
done

# Build beside the target and rename, so a concurrent run never sees half a directory.
mkdir -p "$(dirname "$bin_dir")"
work="$(mktemp -d "$bin_dir.tmp.XXXXXX")"
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
cd "$here"
start=$SECONDS
echo "build.sh: building kube-apiserver, kubectl $k8s_version and etcd $etcd_version into $bin_dir" >&2
go build -trimpath -ldflags "-s -w$version_flags" -o "$work/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver
go build -trimpath -ldflags "-s -w$version_flags" -o "$work/kubectl" k8s.io/kubernetes/cmd/kubectl
go build -trimpath -ldflags "-s -w" -o "$work/etcd" ./etcd
if ! mv -T "$work" "$bin_dir" 2>/dev/null; then
  [ -x "$bin_dir/kube-apiserver" ] || { echo "build.sh: could not move the binaries into $bin_dir" >&2; exit 1; }
fi
echo "build.sh: built in $((SECONDS - start))s" >&2
echo "$bin_dir"
