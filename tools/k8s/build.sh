#!/usr/bin/env bash
# Builds etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, kwok and helm from
# the Go module proxy into OUT. Each tool has its own module so their dependency graphs never mix.
# Usage: tools/k8s/build.sh OUT
set -euo pipefail
out=${1:?usage: build.sh OUT}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod
jobs=$(nproc 2>/dev/null || echo 2)

# The version stamps kubectl and the apiserver report; tools parse `--version`.
module_version() { (cd "$here/$1" && go list -m -f '{{.Version}}' "$2"); }
kube_version=$(module_version kubernetes k8s.io/kubernetes)
major=${kube_version#v}; major=${major%%.*}
minor=${kube_version#v*.}; minor=${minor%%.*}
ldflags="-s -w"
for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags="$ldflags -X $p.gitVersion=$kube_version -X $p.gitMajor=$major -X $p.gitMinor=$minor"
  ldflags="$ldflags -X $p.gitTreeState=clean -X $p.gitCommit=unknown -X $p.buildDate=1970-01-01T00:00:00Z"
done

step() { printf '[berth] %s  %s\n' "$(date +%H:%M:%S)" "$*"; }
build() { # module dir, then packages
  local dir=$1 flags=$2; shift 2
  (cd "$here/$dir" && go build -v -p "$jobs" -trimpath -tags=selinux,notest,grpcnotrace -ldflags="$flags" -o "$out/" "$@")
}

step "building etcd (1/4)"
(cd "$here/etcd" && go build -v -p "$jobs" -trimpath -ldflags="-s -w" -o "$out/etcd" .)
step "building kwok (2/4)"
build kwok "-s -w" sigs.k8s.io/kwok/cmd/kwok
step "building helm (3/4)"
helm_version=$(module_version helm helm.sh/helm/v4)
build helm "-s -w -X helm.sh/helm/v4/internal/version.version=$helm_version" helm.sh/helm/v4/cmd/helm
step "building Kubernetes $kube_version: kube-apiserver, kube-controller-manager, kube-scheduler, kubectl (4/4, the long one)"
build kubernetes "$ldflags" k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
  k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl
step "done: $(ls "$out" | tr '\n' ' ')"
