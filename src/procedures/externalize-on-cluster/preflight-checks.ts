import type { KubeObject } from '../../kube/kube-object.js';
import type { PreflightCheck, PreflightReport } from '../../status/preflight-report.js';
import type { ObjectTypeRef } from '../../live/object-type.js';
import { upgradeEnabled, upgradeSubscriptions, type OperatorSubscription } from '../../plan/plan-facts.js';
import { CHANNEL_2_15, type Plan } from '../../plan/plan-schema.js';
import type { SourceListing } from '../../status/live-source.js';
import { EVIDENCE_CONFIGMAP, evidenceField, evidenceKey } from '../../contract/on-cluster.js';
import { certificateListRefs, judgeCertificates, SKIP_VERIFY_ANNOTATION } from './certificate-check.js';
import { replacedServers, type VersionCheckServer, versionCheckJobName, versionCheckJobs } from './version-check-plan.js';
import { meetsMinimum, openshiftSupport, SUPPORTED_OPENSHIFT_TEXT, versionRequirements } from './version-requirements.js';

/**
 * The checks of seed chapters 1 and 2 before the move to 3scale 2.16, evaluated against what the cluster (or
 * an export) shows: OpenShift version, the operator on the latest CSV of threescale-2.15 with no InstallPlan
 * waiting for approval, no Oracle, every database component external, and the server versions the
 * version-check Jobs measured. Each failed check says what was found, what is needed and what fixes it.
 */



const CLUSTER_VERSION: ObjectTypeRef = { apiVersion: 'config.openshift.io/v1', kind: 'ClusterVersion' };
const PACKAGE_MANIFEST = { apiVersion: 'packages.operators.coreos.com/v1', kind: 'PackageManifest' };
const SUBSCRIPTION = { apiVersion: 'operators.coreos.com/v1alpha1', kind: 'Subscription' };
const INSTALL_PLAN = { apiVersion: 'operators.coreos.com/v1alpha1', kind: 'InstallPlan' };
const API_MANAGER = { apiVersion: 'apps.3scale.net/v1alpha1', kind: 'APIManager' };

/** The Subscriptions checked: those of the upgrade, or the 3scale operator's by its defaults. */
function subscriptions(plan: Plan): OperatorSubscription[] {
  const planned = upgradeSubscriptions(plan);
  if (planned.length) return planned;
  const ns = plan.spec.operator.namespace;
  return [{ operator: '3scale', name: '3scale-operator', namespace: ns, package: '3scale-operator', source: 'redhat-operators', sourceNamespace: 'openshift-marketplace', installPlanApproval: undefined }];
}

/** The LISTs the checks need (added to the diff's own, one per kind and namespace). */
export function preflightListRefs(plan: Plan): ObjectTypeRef[] {
  const ns = plan.spec.threescale.namespace;
  const refs: ObjectTypeRef[] = [CLUSTER_VERSION, { ...API_MANAGER, namespace: ns }, { apiVersion: 'v1', kind: 'Secret', namespace: ns }, { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns }];
  for (const s of subscriptions(plan)) {
    refs.push({ ...SUBSCRIPTION, namespace: s.namespace }, { ...INSTALL_PLAN, namespace: s.namespace }, { ...PACKAGE_MANIFEST, namespace: s.sourceNamespace });
  }
  // Chapter 1's certificate annotation matters for the upgrade only: read the capability resources then.
  if (upgradeEnabled(plan)) refs.push(...certificateListRefs(plan));
  // The 3scale and APIcast operators usually share a namespace and a catalog: one LIST each.
  return [...new Map(refs.map((r) => [`${r.apiVersion}|${r.kind}|${r.namespace ?? ''}`, r])).values()];
}

/** Finds a listing by ref; undefined when it was not read. */
export type ListingLookup = (ref: ObjectTypeRef) => SourceListing | undefined;

/** Objects of a listing, or why there are none. */
type Read = { readonly ok: true; readonly items: readonly KubeObject[] } | { readonly ok: false; readonly why: string };

function read(lookup: ListingLookup, ref: ObjectTypeRef, mode: 'live' | 'offline'): Read {
  const listing = lookup(ref);
  if (!listing) return { ok: false, why: `${ref.kind} was not read` };
  if (!listing.ok) {
    const e = listing.error;
    if (e.kind === 'missing-crd') return { ok: false, why: `${ref.apiVersion} ${ref.kind} is not served by this cluster (${e.message})` };
    return { ok: false, why: e.message };
  }
  if (mode === 'offline' && listing.items.length === 0) return { ok: false, why: `the export holds no ${ref.kind}${ref.namespace ? ` in ${ref.namespace}` : ''}` };
  return { ok: true, items: listing.items };
}

const get = (o: unknown, ...path: string[]): unknown => path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), o);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The version of a CSV name such as `3scale-operator.v0.12.5`. */
function csvVersion(name: string): string | undefined {
  return /\.v?(\d+\.\d+\.\d+[^\s]*)$/.exec(name)?.[1];
}

interface Context {
  readonly plan: Plan;
  readonly lookup: ListingLookup;
  readonly mode: 'live' | 'offline';
  /** Phase ids this plan runs. */
  readonly phases: readonly string[];
}

function check(c: PreflightCheck): PreflightCheck {
  return { id: c.id, title: c.title, status: c.status, found: c.found, needed: c.needed, source: c.source, fixedBy: c.fixedBy, detail: c.detail };
}

function unknown(base: Pick<PreflightCheck, 'id' | 'title' | 'needed' | 'source' | 'fixedBy'>, why: string): PreflightCheck {
  return check({ ...base, status: 'unknown', found: null, detail: why });
}

function openshiftCheck(ctx: Context): PreflightCheck {
  const base = { id: 'openshift-version', title: 'OpenShift version', needed: `${SUPPORTED_OPENSHIFT_TEXT} (the versions chapter 1 lists)`, source: 'ClusterVersion version: status.desired.version', fixedBy: null };
  const r = read(ctx.lookup, CLUSTER_VERSION, ctx.mode);
  if (!r.ok) return unknown(base, r.why);
  const cv = r.items.find((o) => o.metadata.name === 'version');
  if (!cv) return unknown(base, 'ClusterVersion version does not exist');
  const history = get(cv, 'status', 'history');
  const completed = Array.isArray(history) ? (history as unknown[]).find((h) => get(h, 'state') === 'Completed') : undefined;
  const version = str(get(cv, 'status', 'desired', 'version')) ?? str(get(completed, 'version'));
  if (!version) return unknown(base, 'ClusterVersion version has neither status.desired.version nor a completed history entry');
  const support = openshiftSupport(version);
  if (support === undefined) return unknown({ ...base }, `ClusterVersion version reports "${version}", which is not a version number`);
  return check({ ...base, status: support.ok ? 'passed' : 'failed', found: version, detail: support.detail });
}

function csvChecks(ctx: Context): PreflightCheck[] {
  const out: PreflightCheck[] = [];
  for (const s of subscriptions(ctx.plan)) {
    const subs = read(ctx.lookup, { ...SUBSCRIPTION, namespace: s.namespace }, ctx.mode);
    const pkgs = read(ctx.lookup, { ...PACKAGE_MANIFEST, namespace: s.sourceNamespace }, ctx.mode);
    const sub = subs.ok ? subs.items.find((o) => o.metadata.name === s.name) : undefined;
    const pkg = pkgs.ok ? pkgs.items.find((o) => o.metadata.name === s.package) : undefined;
    const channels = get(pkg, 'status', 'channels');
    const channelHead = Array.isArray(channels) ? str(get(channels.find((c) => get(c, 'name') === CHANNEL_2_15), 'currentCSV')) : undefined;
    // Without the catalog's answer, the Subscription's own currentCSV is the head of its channel while it follows 2.15.
    const subHead = str(get(sub, 'spec', 'channel')) === CHANNEL_2_15 ? str(get(sub, 'status', 'currentCSV')) : undefined;
    const latest = channelHead ?? subHead;
    const installed = str(get(sub, 'status', 'installedCSV'));
    const csvBase = {
      id: `operator-csv:${s.namespace}/${s.name}`,
      title: `Subscription ${s.namespace}/${s.name} runs the latest CSV of ${CHANNEL_2_15}`,
      needed: latest ?? `the currentCSV of channel ${CHANNEL_2_15}`,
      source: channelHead ? `Subscription status.installedCSV; PackageManifest ${s.sourceNamespace}/${s.package} channel ${CHANNEL_2_15} currentCSV` : 'Subscription status.installedCSV and status.currentCSV',
      fixedBy: null,
    };
    if (!subs.ok) out.push(unknown(csvBase, subs.why));
    else if (!sub) out.push(unknown(csvBase, `Subscription ${s.namespace}/${s.name} does not exist`));
    else if (!installed) out.push(unknown(csvBase, `Subscription ${s.namespace}/${s.name} has no status.installedCSV yet`));
    else if (!latest) out.push(unknown(csvBase, pkgs.ok ? `PackageManifest ${s.package} has no channel ${CHANNEL_2_15}` : pkgs.why));
    else {
      const newer = installed === latest || (csvVersion(installed) !== undefined && csvVersion(latest) !== undefined && meetsMinimum(csvVersion(installed)!, csvVersion(latest)!) === true);
      out.push(
        check({
          ...csvBase,
          status: newer ? 'passed' : 'failed',
          found: installed,
          detail: newer
            ? installed === latest
              ? 'latest of the channel'
              : 'newer than the head of the channel (already upgraded)'
            : (str(get(sub, 'spec', 'installPlanApproval')) ?? s.installPlanApproval) === 'Automatic'
              ? `OLM has not installed ${latest} yet: wait for it, or check why the Subscription is stuck`
              : `approve the pending InstallPlans of ${s.namespace} until ${latest} is installed (more may follow one another)`,
        }),
      );
    }

    // Pending InstallPlans: approved=false (Manual approval) or RequiresApproval. One towards a CSV beyond the
    // 2.15 head is the 2.16 upgrade itself, which the upgrade phase is meant to create.
    const ipBase = {
      id: `install-plans:${s.namespace}/${s.name}`,
      title: `no InstallPlan of ${s.namespace} waits for approval`,
      needed: 'none pending',
      source: `InstallPlans in ${s.namespace}: spec.approved, status.phase`,
      fixedBy: null,
    };
    const plans = read(ctx.lookup, { ...INSTALL_PLAN, namespace: s.namespace }, ctx.mode);
    if (!plans.ok) {
      out.push(unknown(ipBase, plans.why));
      continue;
    }
    const headVersion = latest ? csvVersion(latest) : undefined;
    const pending = plans.items.filter((ip) => {
      if (!(get(ip, 'spec', 'approved') === false || get(ip, 'status', 'phase') === 'RequiresApproval')) return false;
      if (get(ip, 'status', 'phase') === 'Complete') return false;
      const csvs = get(ip, 'spec', 'clusterServiceVersionNames');
      const names = Array.isArray(csvs) ? csvs.filter((n): n is string => typeof n === 'string' && n.startsWith(`${s.package}.`)) : [];
      const beyond = headVersion !== undefined && names.length > 0 && names.every((n) => csvVersion(n) !== undefined && meetsMinimum(csvVersion(n)!, headVersion) === true && csvVersion(n) !== headVersion);
      return !beyond;
    });
    const describe = (ip: KubeObject) => {
      const csvs = get(ip, 'spec', 'clusterServiceVersionNames');
      return `${ip.metadata.name}${Array.isArray(csvs) && csvs.length ? ` (${csvs.join(', ')})` : ''}`;
    };
    out.push(
      check({
        ...ipBase,
        status: pending.length ? 'failed' : 'passed',
        found: pending.length ? pending.map(describe).sort().join(', ') : 'none pending',
        detail: pending.length ? `approve them (oc -n ${s.namespace} patch installplan <name> --type merge -p '{"spec":{"approved":true}}') and check again: more may follow` : 'nothing waits for approval',
      }),
    );
  }
  return out;
}

function oracleCheck(ctx: Context): PreflightCheck {
  const ns = ctx.plan.spec.threescale.namespace;
  const base = { id: 'oracle', title: 'the System database is not Oracle', needed: 'PostgreSQL or MySQL (3scale 2.16 does not support Oracle)', source: `Secret ${ns}/system-database: scheme of URL`, fixedBy: null };
  const r = read(ctx.lookup, { apiVersion: 'v1', kind: 'Secret', namespace: ns }, ctx.mode);
  if (!r.ok) return unknown(base, r.why);
  const secret = r.items.find((o) => o.metadata.name === 'system-database');
  const encoded = str(get(secret, 'data', 'URL'));
  const plain = str(get(secret, 'stringData', 'URL'));
  // Only the scheme is kept: the URL carries the password.
  const url = plain ?? (encoded ? Buffer.from(encoded, 'base64').toString('utf8') : undefined);
  const scheme = url ? /^([a-z0-9+.-]+):\/\//i.exec(url)?.[1]?.toLowerCase() : undefined;
  if (!scheme) return unknown(base, secret ? 'Secret system-database has no URL with a scheme' : 'Secret system-database does not exist');
  const oracle = scheme.startsWith('oracle');
  return check({ ...base, status: oracle ? 'failed' : 'passed', found: `${scheme}://`, detail: oracle ? 'stay on 2.15 until a 2.16 maintenance release supports Oracle (the vendor plans 2.16.1)' : 'not Oracle' });
}

const EXTERNAL_FLAGS = [
  ['system', 'database'],
  ['system', 'redis'],
  ['backend', 'redis'],
] as const;

function externalCheck(ctx: Context): PreflightCheck {
  const ns = ctx.plan.spec.threescale.namespace;
  const name = ctx.plan.spec.threescale.apiManagerName;
  const cutover = ctx.phases.includes('cutover');
  const base = {
    id: 'components-external',
    title: 'System database, system Redis and backend Redis are external',
    needed: 'spec.externalComponents system.database, system.redis and backend.redis true',
    source: `APIManager ${ns}/${name}: spec.externalComponents`,
    fixedBy: cutover ? 'cutover' : null,
  };
  const r = read(ctx.lookup, { ...API_MANAGER, namespace: ns }, ctx.mode);
  if (!r.ok) return unknown(base, r.why);
  const am = r.items.find((o) => o.metadata.name === name);
  if (!am) return unknown(base, `APIManager ${ns}/${name} does not exist`);
  const internal = EXTERNAL_FLAGS.filter(([c, f]) => get(am, 'spec', 'externalComponents', c, f) !== true).map(([c, f]) => `${c}.${f}`);
  return check({
    ...base,
    status: internal.length ? 'failed' : 'passed',
    found: internal.length ? `not external: ${internal.join(', ')}` : 'all three external',
    detail: internal.length ? (cutover ? 'the cutover phase sets them once the data is on the new servers' : 'this plan does not move them: externalize them first (the 2.16 operator refuses otherwise)') : 'the 2.16 operator accepts the APIManager',
  });
}

/** One server entry of a version-check evidence result: `<name>=<kind>:<version>:<verdict>`. */
interface Measured {
  readonly kind: string;
  readonly version: string;
  readonly verdict: string;
}

/** Parses the result line of version-check.sh into its entries. */
export function parseVersionCheckResult(result: string): Map<string, Measured> {
  const out = new Map<string, Measured>();
  const entries = result.slice(result.indexOf('):') + 2);
  for (const m of entries.matchAll(/([A-Za-z0-9._-]+)=(postgresql|mysql|mariadb|redis|oracle):([0-9A-Za-z.+~-]*):(ok|below|refused|unreachable|not-checked)/g)) {
    out.set(m[1]!, { kind: m[2]!, version: m[3]!, verdict: m[4]! });
  }
  return out;
}

function versionChecks(ctx: Context): PreflightCheck[] {
  const { plan } = ctx;
  const ns = plan.spec.threescale.namespace;
  const table = versionRequirements(plan.spec.preflight.versionRequirements);
  const replaced = new Set(replacedServers(plan));
  const evidenceRead = read(ctx.lookup, { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns }, ctx.mode);
  const evidence = evidenceRead.ok ? evidenceRead.items.find((o) => o.metadata.name === EVIDENCE_CONFIGMAP) : undefined;
  const data = (evidence?.data ?? {}) as Record<string, string>;
  // The newest measurement of each server: the verify stage's (new servers), else the preflight stage's.
  const stages = (ctx.phases.includes('verify') ? (['new', 'current'] as const) : (['current'] as const)).filter((st) => versionCheckJobs(plan, st).length);
  const db = plan.spec.systemDatabase.kind;
  const servers: VersionCheckServer[] = [...(db === 'postgresql' || db === 'mysql' ? (['system-database'] as const) : []), 'backend-redis-storage', 'backend-redis-queues', 'system-redis'];
  const out: PreflightCheck[] = [];
  for (const server of servers) {
    const target = server === 'system-database' ? 'database' : 'redis';
    const kindNeeded = server === 'system-database' ? (db === 'mysql' ? `MySQL ${table.minimum.mysql}` : `PostgreSQL ${table.minimum.postgresql}`) : `Redis ${table.minimum.redis}`;
    const base = { id: `server-version:${server}`, title: `${server} server version`, needed: `${kindNeeded} or later (${table.policy} requirements)` };
    let measured: { m: Measured; stage: 'new' | 'current'; step: string } | undefined;
    for (const stage of stages) {
      const step = versionCheckJobName(stage, target);
      const recorded = evidenceField(data, step, 'result');
      const m = recorded ? parseVersionCheckResult(recorded).get(server) : undefined;
      if (m) {
        measured = { m, stage, step };
        break;
      }
    }
    const fixStage: string | null = replaced.has(server) ? 'prepare' : null;
    if (!measured) {
      const why = !evidenceRead.ok ? evidenceRead.why : `no measurement yet: the Job ${versionCheckJobName('current', target)} of 00-preflight records it`;
      out.push(unknown({ ...base, source: `ConfigMap ${ns}/${EVIDENCE_CONFIGMAP}`, fixedBy: fixStage }, why));
      continue;
    }
    const { m, stage, step } = measured;
    const source = `ConfigMap ${ns}/${EVIDENCE_CONFIGMAP}: ${evidenceKey(step, 'result')}`;
    const found = m.version ? `${m.kind === 'mariadb' ? 'MariaDB' : m.kind === 'mysql' ? 'MySQL' : m.kind === 'postgresql' ? 'PostgreSQL' : m.kind === 'redis' ? 'Redis' : m.kind} ${m.version}` : null;
    // Judged again here with the table in force, so `--version-requirements` changes the verdict without a rerun.
    const minimum = m.kind === 'redis' ? table.minimum.redis : m.kind === 'postgresql' ? table.minimum.postgresql : table.minimum.mysql;
    let ok: boolean | undefined;
    if (m.verdict === 'unreachable' || m.verdict === 'not-checked' || !m.version) ok = undefined;
    else if (m.kind === 'mariadb' && !table.mariadbAccepted) ok = false;
    else ok = meetsMinimum(m.version, minimum);
    const measuredOld = stage === 'current' && replaced.has(server);
    if (ok === undefined) {
      out.push(check({ ...base, status: 'unknown', found, source, fixedBy: fixStage, detail: m.verdict === 'unreachable' ? `the Job ${step} could not ask the server (see its log)` : `the Job ${step} did not check it` }));
      continue;
    }
    const fixedBy = ok ? null : measuredOld ? 'prepare' : null;
    const detail = ok
      ? `meets the ${table.policy} requirements`
      : measuredOld
        ? `measured before the migration: prepare creates its replacement and verify measures that one (${versionCheckJobName('new', target)})`
        : m.kind === 'mariadb'
          ? `MariaDB is not the MySQL the vendor supports; with --version-requirements operator it is compared by number as the operator does`
          : replaced.has(server)
            ? `the new server runs an older version: choose an image that meets it (spec.${server === 'system-database' ? 'systemDatabase' : server.startsWith('backend') ? 'backendRedis' : 'systemRedis'}.image), or decide on the operator's table (--version-requirements operator)`
            : 'upgrade this server (outside this tool) before upgrading 3scale';
    out.push(check({ ...base, status: ok ? 'passed' : 'failed', found, source, fixedBy, detail }));
  }
  return out;
}

/** Seed chapter 1: no capability resource failing certificate verification without the skip annotation (with the upgrade only). */
function certificateChecks(ctx: Context): PreflightCheck[] {
  if (!upgradeEnabled(ctx.plan)) return [];
  const ns = [...new Set([ctx.plan.spec.threescale.namespace, ctx.plan.spec.operator.namespace])].join(', ');
  const outcome = judgeCertificates(ctx.plan, ctx.lookup);
  return [
    check({
      id: 'capabilities-certificates',
      title: 'Capability resources pass certificate verification',
      status: outcome.status,
      found: outcome.found,
      needed: `no capability resource (Product, Backend, Tenant, ...) failing certificate verification without annotation ${SKIP_VERIFY_ANNOTATION}: "true" (chapter 1)`,
      source: `status.conditions of the capabilities.3scale.net resources in ${ns}`,
      fixedBy: null,
      detail: outcome.detail,
    }),
  ];
}

/** Evaluates every check for a plan from the listings read for the diff. */
export function evaluatePreflight(plan: Plan, lookup: ListingLookup, options: { readonly mode: 'live' | 'offline'; readonly phases: readonly string[] }): PreflightReport {
  const ctx: Context = { plan, lookup, mode: options.mode, phases: options.phases };
  const checks = [openshiftCheck(ctx), ...csvChecks(ctx), oracleCheck(ctx), externalCheck(ctx), ...versionChecks(ctx), ...certificateChecks(ctx)];
  return { requirements: plan.spec.preflight.versionRequirements, checks, failed: checks.filter((c) => c.status === 'failed').map((c) => c.id) };
}
