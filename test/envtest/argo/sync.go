package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/argoproj/gitops-engine/pkg/cache"
	"github.com/argoproj/gitops-engine/pkg/diff"
	"github.com/argoproj/gitops-engine/pkg/health"
	"github.com/argoproj/gitops-engine/pkg/sync"
	"github.com/argoproj/gitops-engine/pkg/sync/common"
	"github.com/argoproj/gitops-engine/pkg/sync/hook"
	"github.com/argoproj/gitops-engine/pkg/utils/kube"
	"github.com/argoproj/gitops-engine/pkg/utils/tracing"
	"github.com/go-logr/logr"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/yaml"
)

// The label Argo CD tracks an Application's resources by (its default tracking method before 3.0).
const instanceLabel = "app.kubernetes.io/instance"

// luaOverride is the resource health customization of argocd-cm: a Lua script per group/kind, run in gopher-lua.
type luaOverride map[string]string

func (o luaOverride) GetResourceHealth(obj *unstructured.Unstructured) (*health.HealthStatus, error) {
	gvk := obj.GroupVersionKind()
	key := gvk.Kind
	if gvk.Group != "" {
		key = gvk.Group + "_" + gvk.Kind
	}
	script, ok := o[key]
	if !ok {
		return nil, nil
	}
	return runLuaHealth(script, obj.Object)
}

// syncResult is what `sync` prints.
type syncResult struct {
	Phase     string           `json:"phase"`
	Message   string           `json:"message"`
	Health    string           `json:"health"`
	Resources []resourceResult `json:"resources"`
	// Runs: "<phase> <health> <sync status>" of each sync, in order (the fields above describe the last one).
	Runs []string `json:"runs"`
	// Sync: the Application's sync status after the sync, with the server-side diff the Application selects.
	Sync comparison `json:"sync"`
	// SyncDefaultDiff: the same with Argo CD's default diff strategy (no ServerSideDiff on the Application).
	SyncDefaultDiff comparison `json:"syncDefaultDiff"`
}

type resourceResult struct {
	Key       string `json:"key"`
	Result    string `json:"result,omitempty"`
	Message   string `json:"message,omitempty"`
	Health    string `json:"health,omitempty"`
	HookPhase string `json:"hookPhase,omitempty"`
}

// syncCommand syncs one folder as an automated Argo CD Application with the migration's sync options
// (ServerSideApply=true, no prune) through gitops-engine's sync package: waves, Sync hooks and health between
// waves as the engine implements them, health from gitops-engine's checks and the given Lua customizations.
// (engine.Sync, the package's convenience loop, keeps one sync context for the whole operation and never sees
// a hook Job complete; Argo CD's controller rebuilds the context at every refresh, and so does runSync.)
func syncCommand(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("sync", flag.ContinueOnError)
	kubeconfig := fs.String("kubeconfig", "", "kubeconfig file")
	dir := fs.String("dir", "", "the folder to sync (a kustomize folder of plain resources)")
	app := fs.String("app", "", "the Application name (tracking label value)")
	namespace := fs.String("namespace", "", "destination namespace")
	revision := fs.String("revision", "", "the revision synced")
	timeout := fs.Duration("timeout", 2*time.Minute, "bound of each sync operation")
	repeat := fs.Int("repeat", 1, "syncs in a row (later ones are the automated syncs that follow), reported in runs")
	var lua multiFlag
	fs.Var(&lua, "lua-health", "<group>_<Kind>=<script.lua> (core kinds: <Kind>=...), repeatable")
	if err := fs.Parse(args); err != nil {
		return err
	}
	override := luaOverride{}
	for _, l := range lua {
		key, file, ok := strings.Cut(l, "=")
		if !ok {
			return fmt.Errorf("--lua-health %q: expected <group>_<Kind>=<file>", l)
		}
		script, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		override[key] = string(script)
	}
	target, err := readFolder(*dir)
	if err != nil {
		return err
	}
	for _, t := range target {
		labels := t.GetLabels()
		if labels == nil {
			labels = map[string]string{}
		}
		labels[instanceLabel] = *app
		t.SetLabels(labels)
	}
	config, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		return err
	}
	clusterCache := cache.NewClusterCache(config,
		cache.SetPopulateResourceInfoHandler(func(un *unstructured.Unstructured, _ bool) (any, bool) {
			mine := un.GetLabels()[instanceLabel] == *app
			return mine, mine
		}),
	)
	if err := clusterCache.EnsureSynced(); err != nil {
		return err
	}
	defer clusterCache.Invalidate()
	var runs []string
	var res syncResult
	for i := 0; i < *repeat; i++ {
		r, err := syncOnce(clusterCache, config, target, *revision, *namespace, override, *timeout)
		if err != nil {
			return err
		}
		res = r
		runs = append(runs, res.Phase+" "+res.Health+" "+res.Sync.Status)
	}
	res.Runs = runs
	return json.NewEncoder(out).Encode(res)
}

// syncOnce runs one sync operation and reads the Application's health (the worst health of its non-hook
// resources, read live) and its sync status with both diff strategies.
func syncOnce(clusterCache cache.ClusterCache, config *rest.Config, target []*unstructured.Unstructured, revision, namespace string, override health.HealthOverride, timeout time.Duration) (syncResult, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	results, syncErr := runSync(ctx, clusterCache, config, target, revision, namespace, override)
	res := syncResult{Phase: "Succeeded", Health: string(health.HealthStatusHealthy)}
	if syncErr != nil {
		res.Phase, res.Message = "Failed", syncErr.Error()
	}
	var err error
	if res.Sync, err = compareApp(clusterCache, config, target, namespace, true); err != nil {
		return res, err
	}
	if res.SyncDefaultDiff, err = compareApp(clusterCache, config, target, namespace, false); err != nil {
		return res, err
	}
	for _, r := range results {
		res.Resources = append(res.Resources, resourceResult{Key: r.ResourceKey.String(), Result: string(r.Status), Message: r.Message, HookPhase: string(r.HookPhase)})
	}
	// The Application's health: the worst health of its (non-hook) resources, read live.
	live, err := clusterCache.GetManagedLiveObjs(target, isMine)
	if err != nil {
		return res, err
	}
	for _, t := range target {
		key := kube.GetResourceKey(t)
		obj := live[key]
		status := health.HealthStatusMissing
		msg := ""
		if obj != nil {
			hs, err := health.GetResourceHealth(obj, override)
			if err != nil {
				return res, err
			}
			if hs == nil {
				continue
			}
			status, msg = hs.Status, hs.Message
		}
		if t.GetAnnotations()["argocd.argoproj.io/hook"] != "" {
			continue // hooks are not part of the Application's health
		}
		res.Resources = append(res.Resources, resourceResult{Key: key.String(), Health: string(status), Message: msg})
		if health.IsWorse(health.HealthStatusCode(res.Health), status) {
			res.Health = string(status)
		}
	}
	return res, nil
}

func isMine(r *cache.Resource) bool {
	mine, _ := r.Info.(bool)
	return mine
}

// runSync runs one sync operation as Argo CD's application controller does: the sync context is built anew
// from the cluster cache at every step (so hooks created by the operation are seen with their live status)
// and continues from the state the previous step left (WithInitialState), until the operation completes.
// Hooks run when something differs from Git (a new revision), as on an automated sync.
func runSync(ctx context.Context, clusterCache cache.ClusterCache, config *rest.Config, target []*unstructured.Unstructured, revision, namespace string, override health.HealthOverride) ([]common.ResourceSyncResult, error) {
	kubectl := &kube.KubectlCmd{Log: logr.Discard(), Tracer: tracing.NopTracer{}}
	var (
		phase   common.OperationPhase
		message string
		results []common.ResourceSyncResult
	)
	started := metav1.Now()
	skipHooks := false
	for step := 0; ; step++ {
		managed, err := clusterCache.GetManagedLiveObjs(target, isMine)
		if err != nil {
			return nil, err
		}
		rr := sync.Reconcile(target, managed, namespace, clusterCache)
		if step == 0 {
			// A `hook: Skip` object is never applied and counts in no sync status (controller/state.go), so it
			// makes no difference that would start a sync.
			var targets, lives []*unstructured.Unstructured
			for i, t := range rr.Target {
				if t != nil && hook.Skip(t) {
					continue
				}
				targets, lives = append(targets, t), append(lives, rr.Live[i])
			}
			d, err := diff.DiffArray(targets, lives)
			if err != nil {
				return nil, err
			}
			skipHooks = !d.Modified
		}
		opts := []sync.SyncOpt{
			sync.WithPrune(false),
			sync.WithServerSideApply(true),
			sync.WithServerSideApplyManager(fieldManager),
			sync.WithHealthOverride(override),
			sync.WithSkipHooks(skipHooks),
			sync.WithLogr(logr.Discard()),
		}
		if step > 0 {
			opts = append(opts, sync.WithInitialState(phase, message, results, started))
		}
		syncCtx, cleanup, err := sync.NewSyncContext(revision, rr, config, config, kubectl, namespace, clusterCache.GetOpenAPISchema(), opts...)
		if err != nil {
			return nil, err
		}
		syncCtx.Sync()
		phase, message, results = syncCtx.GetState()
		if phase.Completed() {
			cleanup()
			if phase != common.OperationSucceeded {
				return results, fmt.Errorf("sync %s: %s", phase, message)
			}
			return results, nil
		}
		select {
		case <-ctx.Done():
			syncCtx.Terminate()
			cleanup()
			return results, ctx.Err()
		case <-time.After(time.Second):
			cleanup()
		}
	}
}

// readFolder reads the resources a kustomization.yaml lists (the phase folders list plain files).
func readFolder(dir string) ([]*unstructured.Unstructured, error) {
	raw, err := os.ReadFile(filepath.Join(dir, "kustomization.yaml"))
	if err != nil {
		return nil, err
	}
	var k struct {
		Resources []string `json:"resources"`
	}
	if err := yaml.Unmarshal(raw, &k); err != nil {
		return nil, fmt.Errorf("%s/kustomization.yaml: %w", dir, err)
	}
	var objs []*unstructured.Unstructured
	for _, r := range k.Resources {
		data, err := os.ReadFile(filepath.Join(dir, r))
		if err != nil {
			return nil, err
		}
		items, err := kube.SplitYAML(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", r, err)
		}
		objs = append(objs, items...)
	}
	return objs, nil
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }
