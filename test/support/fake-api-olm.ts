/**
 * OpenShift and OLM objects as a 2.15 install shows them, for the fake API server: the ClusterVersion, the
 * package server's PackageManifest of the 3scale operator, its Subscription, InstallPlans and CSV. Shapes
 * follow what `oc get -o yaml` prints on OpenShift 4.x (status fields the checks read, nothing invented).
 */
import type { KubeObject } from '../../src/kube/kube-object.js';

/** `ClusterVersion version`: the desired release and the update history, newest first. */
export function clusterVersion(version: string, history: readonly { version: string; state: 'Completed' | 'Partial' }[] = [{ version, state: 'Completed' }]): KubeObject {
  return {
    apiVersion: 'config.openshift.io/v1',
    kind: 'ClusterVersion',
    metadata: { name: 'version', uid: 'cv-1', resourceVersion: '100' },
    spec: { channel: `stable-${version.split('.').slice(0, 2).join('.')}`, clusterID: '9a1c5f4e-6b2d-4c1e-8f5a-0e7b3d2c1a90' },
    status: {
      desired: { version, image: `quay.io/openshift-release-dev/ocp-release@sha256:${'a'.repeat(64)}`, channels: [`stable-${version.split('.').slice(0, 2).join('.')}`] },
      history: history.map((h, i) => ({ version: h.version, state: h.state, verified: true, startedTime: `2025-0${6 - i}-01T08:00:00Z`, completionTime: h.state === 'Completed' ? `2025-0${6 - i}-01T09:10:00Z` : null })),
      observedGeneration: 3,
      versionHash: 'Xh1b8tD2b8Y=',
      conditions: [{ type: 'Available', status: 'True', message: `Done applying ${version}` }],
    },
  };
}

/** The PackageManifest of a package with its channels' head CSVs, as the package server answers in the catalog's namespace. */
export function packageManifest(name: string, channels: Readonly<Record<string, string>>, namespace = 'openshift-marketplace'): KubeObject {
  return {
    apiVersion: 'packages.operators.coreos.com/v1',
    kind: 'PackageManifest',
    metadata: { name, namespace, labels: { catalog: 'redhat-operators', 'catalog-namespace': 'openshift-marketplace', provider: 'Red Hat' } },
    spec: {},
    status: {
      catalogSource: 'redhat-operators',
      catalogSourceNamespace: 'openshift-marketplace',
      packageName: name,
      defaultChannel: Object.keys(channels).sort().at(-1),
      channels: Object.entries(channels).map(([channel, currentCSV]) => ({ name: channel, currentCSV, currentCSVDesc: { displayName: 'Red Hat Integration - 3scale', version: currentCSV.replace(/^.*\.v/, '') } })),
    },
  };
}

/** The 3scale operator's Subscription on channel 2.15, with the installed and the current (latest known) CSV. */
export function subscription(options: { installed: string; current: string; approval?: 'Automatic' | 'Manual'; namespace?: string; channel?: string }): KubeObject {
  const upToDate = options.installed === options.current;
  return {
    apiVersion: 'operators.coreos.com/v1alpha1',
    kind: 'Subscription',
    metadata: { name: '3scale-operator', namespace: options.namespace ?? '3scale', labels: { 'operators.coreos.com/3scale-operator.3scale': '' } },
    spec: { channel: options.channel ?? 'threescale-2.15', installPlanApproval: options.approval ?? 'Manual', name: '3scale-operator', source: 'redhat-operators', sourceNamespace: 'openshift-marketplace' },
    status: {
      currentCSV: options.current,
      installedCSV: options.installed,
      state: upToDate ? 'AtLatestKnown' : 'UpgradePending',
      ...(upToDate ? {} : { installPlanRef: { apiVersion: 'operators.coreos.com/v1alpha1', kind: 'InstallPlan', name: 'install-7xk2p', namespace: options.namespace ?? '3scale' } }),
    },
  };
}

/** An InstallPlan towards `csv`; with Manual approval it waits in RequiresApproval until approved. */
export function installPlan(name: string, csv: string, options: { approved: boolean; phase?: 'RequiresApproval' | 'Installing' | 'Complete'; namespace?: string }): KubeObject {
  return {
    apiVersion: 'operators.coreos.com/v1alpha1',
    kind: 'InstallPlan',
    metadata: { name, namespace: options.namespace ?? '3scale', ownerReferences: [{ apiVersion: 'operators.coreos.com/v1alpha1', kind: 'Subscription', name: '3scale-operator', uid: 'sub-1' }] },
    spec: { approval: 'Manual', approved: options.approved, clusterServiceVersionNames: [csv], generation: 2 },
    status: { phase: options.phase ?? (options.approved ? 'Complete' : 'RequiresApproval'), bundleLookups: [], catalogSources: ['redhat-operators'] },
  };
}

/** The 3scale operator's Subscription as OLM and the console leave it on a 2.15 install with Manual approval. */
export function operatorSubscription(): KubeObject {
  return {
    apiVersion: 'operators.coreos.com/v1alpha1',
    kind: 'Subscription',
    metadata: { name: '3scale-operator', namespace: '3scale', labels: { 'operators.coreos.com/3scale-operator.3scale': '' } },
    spec: { channel: 'threescale-2.15', installPlanApproval: 'Manual', name: '3scale-operator', source: 'redhat-operators', sourceNamespace: 'openshift-marketplace', startingCSV: '3scale-operator.v0.12.5' },
    status: { currentCSV: '3scale-operator.v0.12.5', installedCSV: '3scale-operator.v0.12.5', state: 'AtLatestKnown' },
  };
}

/** A ClusterServiceVersion in `phase` (Succeeded once OLM installed it; Installing while the operator's Deployment comes up). */
export function clusterServiceVersion(name: string, phase: 'Pending' | 'InstallReady' | 'Installing' | 'Succeeded' | 'Failed' = 'Succeeded', namespace = '3scale'): KubeObject {
  const reasons: Readonly<Record<string, string>> = { Pending: 'RequirementsUnknown', InstallReady: 'AllRequirementsMet', Installing: 'InstallWaiting', Succeeded: 'InstallSucceeded', Failed: 'InstallCheckFailed' };
  return {
    apiVersion: 'operators.coreos.com/v1alpha1',
    kind: 'ClusterServiceVersion',
    metadata: { name, namespace },
    spec: { displayName: 'Red Hat Integration - 3scale', version: name.replace(/^.*\.v/, '') },
    status: { phase, reason: reasons[phase] },
  };
}
