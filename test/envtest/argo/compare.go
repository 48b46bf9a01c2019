package main

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/argoproj/gitops-engine/pkg/cache"
	"github.com/argoproj/gitops-engine/pkg/diff"
	"github.com/argoproj/gitops-engine/pkg/sync"
	"github.com/argoproj/gitops-engine/pkg/sync/hook"
	"github.com/argoproj/gitops-engine/pkg/sync/resource"
	"github.com/argoproj/gitops-engine/pkg/utils/kube"
	"github.com/argoproj/gitops-engine/pkg/utils/tracing"
	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/rest"
)

const compareOptionsAnnotation = "argocd.argoproj.io/compare-options"

// comparison is the Application's sync status with one diff strategy, and the resources that make it OutOfSync.
type comparison struct {
	Status    string   `json:"status"`
	OutOfSync []string `json:"outOfSync"`
}

// compareApp computes the Application's sync status as Argo CD's application controller does
// (controller/state.go, CompareAppState): the folder and the live objects carrying the tracking label are paired
// by gitops-engine's sync.Reconcile and diffed by gitops-engine's diff package; hooks do not count; a live object
// absent from the folder (it "requires pruning") makes the Application OutOfSync unless it carries the compare
// option IgnoreExtraneous; a modified or missing object makes it OutOfSync. serverSide selects the strategy the
// Application's `compare-options: ServerSideDiff=true` selects (a server-side apply dry run as argocd-controller,
// mutation webhooks ignored); without it, the default strategy (a structured-merge diff for ServerSideApply=true
// resources, else a three- or two-way diff).
func compareApp(clusterCache cache.ClusterCache, config *rest.Config, target []*unstructured.Unstructured, namespace string, serverSide bool) (comparison, error) {
	managed, err := clusterCache.GetManagedLiveObjs(target, isMine)
	if err != nil {
		return comparison{}, err
	}
	rr := sync.Reconcile(target, managed, namespace, clusterCache)
	opts := []diff.Option{
		diff.WithGVKParser(clusterCache.GetGVKParser()),
		diff.WithManager(fieldManager),
		diff.WithLogr(logr.Discard()),
	}
	if serverSide {
		applier, cleanup, err := kube.ManageServerSideDiffDryRuns(config, clusterCache.GetOpenAPISchema(), tracing.NopTracer{}, logr.Discard(), nil)
		if err != nil {
			return comparison{}, err
		}
		defer cleanup()
		opts = append(opts, diff.WithServerSideDiff(true), diff.WithServerSideDryRunner(diff.NewK8sServerSideDryRunner(applier)), diff.WithIgnoreMutationWebhook(true))
	}
	res := comparison{Status: "Synced", OutOfSync: []string{}}
	for i, t := range rr.Target {
		live := rr.Live[i]
		obj := live
		if obj == nil {
			obj = t
		}
		if obj == nil || hook.IsHook(obj) || (t != nil && hook.Skip(t)) {
			continue
		}
		var reason string
		switch {
		case t == nil:
			if resource.HasAnnotationOption(obj, compareOptionsAnnotation, "IgnoreExtraneous") {
				continue
			}
			reason = "requires pruning"
		case live == nil:
			reason = "missing"
		default:
			d, err := diff.Diff(t, live, opts...)
			if err != nil {
				key := kube.GetResourceKey(obj)
				return comparison{}, fmt.Errorf("%s: %w", key.String(), err)
			}
			if !d.Modified {
				continue
			}
			reason = "modified: " + changedFields(d)
		}
		key := kube.GetResourceKey(obj)
		res.Status = "OutOfSync"
		res.OutOfSync = append(res.OutOfSync, key.String()+" "+reason)
	}
	sort.Strings(res.OutOfSync)
	return res, nil
}

// fieldManager is the field manager Argo CD's application controller applies (and dry-runs) as.
const fieldManager = "argocd-controller"

// changedFields names the paths where the predicted live state differs from the live state (up to five).
func changedFields(d *diff.DiffResult) string {
	var predicted, live map[string]any
	if json.Unmarshal(d.PredictedLive, &predicted) != nil || json.Unmarshal(d.NormalizedLive, &live) != nil {
		return "(unreadable diff)"
	}
	var paths []string
	collectChanges("", predicted, live, &paths)
	sort.Strings(paths)
	if len(paths) > 5 {
		paths = append(paths[:5], fmt.Sprintf("and %d more", len(paths)-5))
	}
	return strings.Join(paths, ", ")
}

func collectChanges(path string, a, b any, out *[]string) {
	am, aok := a.(map[string]any)
	bm, bok := b.(map[string]any)
	if aok && bok {
		keys := map[string]bool{}
		for k := range am {
			keys[k] = true
		}
		for k := range bm {
			keys[k] = true
		}
		for k := range keys {
			collectChanges(path+"."+k, am[k], bm[k], out)
		}
		return
	}
	if !reflect.DeepEqual(a, b) {
		*out = append(*out, fmt.Sprintf("%s (%s -> %s)", path, short(b), short(a)))
	}
}

func short(v any) string {
	raw, _ := json.Marshal(v)
	if len(raw) > 60 {
		return string(raw[:57]) + "..."
	}
	return string(raw)
}
