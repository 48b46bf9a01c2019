/**
 * The REST resources the fake API server serves, and the discovery documents it answers with
 * (`/api`, `/api/v1`, `/apis`, `/apis/<group>`, `/apis/<group>/<version>`), shaped like a real
 * kube-apiserver's.
 */

/** One served resource type. */
export interface FakeResourceType {
  /** API group; '' for core. */
  readonly group: string;
  /** Version. */
  readonly version: string;
  /** Kind. */
  readonly kind: string;
  /** Plural (URL) name. */
  readonly plural: string;
  /** Singular name. */
  readonly singular: string;
  /** Namespaced or cluster-scoped. */
  readonly namespaced: boolean;
  /** kubectl short names. */
  readonly shortNames?: readonly string[];
  /** Subresources served. */
  readonly subresources: readonly ('status' | 'scale')[];
  /** True for kinds compiled into kube-apiserver (their LIST items lack apiVersion/kind, defaults apply). */
  readonly builtIn: boolean;
  /**
   * True for kinds compiled into an aggregated API server (openshift-apiserver's DeploymentConfig): not
   * kube-apiserver's, but served like its own kinds (LIST items without apiVersion/kind, strategic merge
   * patches, server-side defaults), with OpenShift schema names.
   */
  readonly aggregated: boolean;
  /** Verbs discovery lists (read-only aggregated APIs such as PackageManifest serve only get, list, watch). */
  readonly verbs: readonly string[];
}

/** Which optional APIs the fake serves. */
export interface FakeApiSelection {
  /**
   * Serve apps.openshift.io/v1 (DeploymentConfig), as OpenShift does.
   * @default false
   */
  readonly deploymentConfigs?: boolean;
  /**
   * Serve image.openshift.io/v1 (ImageStream), as OpenShift does.
   * @default false
   */
  readonly imageStreams?: boolean;
  /**
   * group/versions NOT to serve, e.g. `['apps.3scale.net/v1alpha1']` to simulate a missing CRD.
   * @default none
   */
  readonly omit?: readonly string[];
}

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function t(
  apiVersion: string,
  kind: string,
  plural: string,
  namespaced: boolean,
  extra: { shortNames?: string[]; subresources?: ('status' | 'scale')[]; builtIn?: boolean; aggregated?: boolean; verbs?: string[] } = {},
): FakeResourceType {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  return {
    group,
    version,
    kind,
    plural,
    singular: kind.toLowerCase(),
    namespaced,
    shortNames: extra.shortNames,
    subresources: extra.subresources ?? [],
    builtIn: extra.builtIn ?? true,
    aggregated: extra.aggregated ?? false,
    verbs: extra.verbs ?? VERBS,
  };
}

const ALL_TYPES: readonly FakeResourceType[] = [
  t('v1', 'ConfigMap', 'configmaps', true, { shortNames: ['cm'] }),
  t('v1', 'Endpoints', 'endpoints', true, { shortNames: ['ep'] }),
  t('v1', 'Event', 'events', true, { shortNames: ['ev'] }),
  t('v1', 'Namespace', 'namespaces', false, { shortNames: ['ns'], subresources: ['status'] }),
  t('v1', 'Node', 'nodes', false, { shortNames: ['no'], subresources: ['status'] }),
  t('v1', 'PersistentVolume', 'persistentvolumes', false, { shortNames: ['pv'], subresources: ['status'] }),
  t('v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true, { shortNames: ['pvc'], subresources: ['status'] }),
  t('v1', 'Pod', 'pods', true, { shortNames: ['po'], subresources: ['status'] }),
  t('v1', 'Secret', 'secrets', true),
  t('v1', 'Service', 'services', true, { shortNames: ['svc'], subresources: ['status'] }),
  t('v1', 'ServiceAccount', 'serviceaccounts', true, { shortNames: ['sa'] }),
  t('apps/v1', 'DaemonSet', 'daemonsets', true, { shortNames: ['ds'], subresources: ['status'] }),
  t('apps/v1', 'Deployment', 'deployments', true, { shortNames: ['deploy'], subresources: ['status', 'scale'] }),
  t('apps/v1', 'ReplicaSet', 'replicasets', true, { shortNames: ['rs'], subresources: ['status', 'scale'] }),
  t('apps/v1', 'StatefulSet', 'statefulsets', true, { shortNames: ['sts'], subresources: ['status', 'scale'] }),
  t('batch/v1', 'CronJob', 'cronjobs', true, { shortNames: ['cj'], subresources: ['status'] }),
  t('batch/v1', 'Job', 'jobs', true, { subresources: ['status'] }),
  t('storage.k8s.io/v1', 'StorageClass', 'storageclasses', false, { shortNames: ['sc'] }),
  t('rbac.authorization.k8s.io/v1', 'ClusterRole', 'clusterroles', false),
  t('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'clusterrolebindings', false),
  t('rbac.authorization.k8s.io/v1', 'Role', 'roles', true),
  t('rbac.authorization.k8s.io/v1', 'RoleBinding', 'rolebindings', true),
  t('apps.3scale.net/v1alpha1', 'APIManager', 'apimanagers', true, { subresources: ['status'], builtIn: false }),
  // Two of the 3scale operator's capability resources, for the certificate annotation check of chapter 1.
  t('capabilities.3scale.net/v1beta1', 'Product', 'products', true, { subresources: ['status'], builtIn: false }),
  t('capabilities.3scale.net/v1alpha1', 'Tenant', 'tenants', true, { subresources: ['status'], builtIn: false }),
  t('operators.coreos.com/v1alpha1', 'CatalogSource', 'catalogsources', true, { shortNames: ['catsrc'], subresources: ['status'], builtIn: false }),
  t('operators.coreos.com/v1alpha1', 'ClusterServiceVersion', 'clusterserviceversions', true, { shortNames: ['csv'], subresources: ['status'], builtIn: false }),
  t('operators.coreos.com/v1alpha1', 'InstallPlan', 'installplans', true, { shortNames: ['ip'], subresources: ['status'], builtIn: false }),
  t('operators.coreos.com/v1alpha1', 'Subscription', 'subscriptions', true, { shortNames: ['sub'], subresources: ['status'], builtIn: false }),
  t('operators.coreos.com/v1', 'OperatorGroup', 'operatorgroups', true, { shortNames: ['og'], subresources: ['status'], builtIn: false }),
  t('route.openshift.io/v1', 'Route', 'routes', true, { subresources: ['status'], builtIn: false }),
  // OpenShift's cluster version (one object, `version`) and OLM's package server, an aggregated read-only API
  // that answers from the catalogs (its objects are namespaced: a catalog's packages appear in its namespace).
  t('config.openshift.io/v1', 'ClusterVersion', 'clusterversions', false, { subresources: ['status'], builtIn: false }),
  t('packages.operators.coreos.com/v1', 'PackageManifest', 'packagemanifests', true, { builtIn: false, verbs: ['get', 'list', 'watch'] }),
  t('apps.openshift.io/v1', 'DeploymentConfig', 'deploymentconfigs', true, { shortNames: ['dc'], subresources: ['status', 'scale'], builtIn: false, aggregated: true }),
  t('image.openshift.io/v1', 'ImageStream', 'imagestreams', true, { shortNames: ['is'], subresources: ['status'], builtIn: false }),
];

/** The set of resource types one fake server serves. */
export class FakeResourceRegistry {
  /** Every served type. */
  public readonly types: readonly FakeResourceType[];

  public constructor(selection: FakeApiSelection = {}) {
    const omit = new Set(selection.omit ?? []);
    this.types = ALL_TYPES.filter((rt) => {
      const gv = rt.group ? `${rt.group}/${rt.version}` : rt.version;
      if (omit.has(gv)) return false;
      if (rt.group === 'apps.openshift.io' && !selection.deploymentConfigs) return false;
      if (rt.group === 'image.openshift.io' && !selection.imageStreams) return false;
      return true;
    });
  }

  /** The type of `kind` in `apiVersion`, if served. */
  public byKind(apiVersion: string, kind: string): FakeResourceType | undefined {
    return this.types.find((rt) => apiVersionOf(rt) === apiVersion && rt.kind === kind);
  }

  /** The type of a URL plural in a group/version, if served. */
  public byPlural(group: string, version: string, plural: string): FakeResourceType | undefined {
    return this.types.find((rt) => rt.group === group && rt.version === version && rt.plural === plural);
  }

  /** True when the group/version is served. */
  public servesGroupVersion(group: string, version: string): boolean {
    return this.types.some((rt) => rt.group === group && rt.version === version);
  }

  /** `GET /api`. */
  public apiVersions(serverAddress: string): unknown {
    return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
  }

  /** `GET /apis`. */
  public apiGroupList(): unknown {
    return { kind: 'APIGroupList', apiVersion: 'v1', groups: this.groups().map((g) => this.apiGroup(g)) };
  }

  /** `GET /apis/<group>`, or undefined when the group is not served. */
  public apiGroup(group: string): unknown {
    const versions = [...new Set(this.types.filter((rt) => rt.group === group).map((rt) => rt.version))];
    if (versions.length === 0) return undefined;
    const list = versions.map((version) => ({ groupVersion: `${group}/${version}`, version }));
    return { kind: 'APIGroup', apiVersion: 'v1', name: group, versions: list, preferredVersion: list[0] };
  }

  /** `GET /api/v1` or `GET /apis/<group>/<version>`, or undefined when not served. */
  public apiResourceList(group: string, version: string): unknown {
    const types = this.types.filter((rt) => rt.group === group && rt.version === version);
    if (types.length === 0) return undefined;
    const resources: unknown[] = [];
    for (const rt of types) {
      const entry: Record<string, unknown> = {
        name: rt.plural,
        singularName: rt.singular,
        namespaced: rt.namespaced,
        kind: rt.kind,
        verbs: rt.verbs,
        storageVersionHash: Buffer.from(`${rt.group}/${rt.kind}`).toString('base64').slice(0, 11),
      };
      if (rt.shortNames) entry.shortNames = rt.shortNames;
      resources.push(entry);
      for (const sub of rt.subresources) {
        resources.push(
          sub === 'scale'
            ? { name: `${rt.plural}/scale`, singularName: '', namespaced: rt.namespaced, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] }
            : { name: `${rt.plural}/status`, singularName: '', namespaced: rt.namespaced, kind: rt.kind, verbs: ['get', 'patch', 'update'] },
        );
      }
    }
    return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
  }

  private groups(): string[] {
    return [...new Set(this.types.map((rt) => rt.group).filter((g) => g !== ''))];
  }
}

/** `apps/v1`, `v1`, ... of a type. */
export function apiVersionOf(rt: FakeResourceType): string {
  return rt.group ? `${rt.group}/${rt.version}` : rt.version;
}

/** `deployments.apps`, `secrets`: how the API server names a resource in messages. */
export function qualifiedResource(rt: FakeResourceType): string {
  return rt.group ? `${rt.plural}.${rt.group}` : rt.plural;
}
