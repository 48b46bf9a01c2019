package main

import (
	"encoding/json"
	"io"

	"github.com/argoproj/gitops-engine/pkg/health"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// builtinHealthCommand prints gitops-engine's own health of an object (no override).
func builtinHealthCommand(in io.Reader, out io.Writer) error {
	obj, err := readObject(in)
	if err != nil {
		return err
	}
	hs, err := health.GetResourceHealth(&unstructured.Unstructured{Object: obj}, nil)
	if err != nil {
		return err
	}
	if hs == nil {
		hs = &health.HealthStatus{}
	}
	return json.NewEncoder(out).Encode(hs)
}
