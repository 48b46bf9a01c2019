//go:build tools

// Package envtest pins the commands build.sh builds, so `go mod tidy` keeps their modules in go.sum.
package envtest

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
