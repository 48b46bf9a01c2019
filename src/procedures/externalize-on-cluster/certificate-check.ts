import type { KubeObject } from '../../kube/kube-object.js';
import type { ObjectTypeRef } from '../../live/object-type.js';
import type { Plan } from '../../plan/plan-schema.js';
import type { SourceListing } from '../../status/live-source.js';

/**
 * Seed chapter 1, prerequisites: "to resolve certificate verification failures with the 3scale operator, add
 * the annotation to skip certificate verification to the affected Custom Resource". The annotation is
 * `insecure_skip_verify: "true"`, read by the operator's porta client for the capability resources below
 * (3scale operator user guide, "Setting porta client to skip certificate verification"); the APIManager does
 * not read it. This check finds the capability resources whose status reports a certificate verification
 * failure without that annotation, and names each with the command that adds it.
 */

/** The annotation the operator reads on a capability resource. */
export const SKIP_VERIFY_ANNOTATION = 'insecure_skip_verify';

/** The capability kinds that read the annotation (group capabilities.3scale.net). */
export const CAPABILITY_TYPES: readonly ObjectTypeRef[] = [
  ['v1beta1', 'ActiveDoc'],
  ['v1beta1', 'Application'],
  ['v1beta1', 'Backend'],
  ['v1beta1', 'CustomPolicyDefinition'],
  ['v1beta1', 'DeveloperAccount'],
  ['v1beta1', 'DeveloperUser'],
  ['v1beta1', 'OpenAPI'],
  ['v1beta1', 'Product'],
  ['v1beta1', 'ProxyConfigPromote'],
  ['v1alpha1', 'Tenant'],
].map(([version, kind]) => ({ apiVersion: `capabilities.3scale.net/${version}`, kind: kind! }));

/** What a Go TLS client says when it cannot verify a certificate. */
const CERTIFICATE_FAILURE = /x509:|certificate signed by unknown authority|failed to verify certificate|certificate is not valid for|certificate has expired/i;

/** Namespaces whose capability resources are read: the 3scale one and the operator's. */
function namespaces(plan: Plan): string[] {
  return [...new Set([plan.spec.threescale.namespace, plan.spec.operator.namespace])];
}

/** The LISTs the check needs: each capability kind in each namespace. */
export function certificateListRefs(plan: Plan): ObjectTypeRef[] {
  return namespaces(plan).flatMap((namespace) => CAPABILITY_TYPES.map((t) => ({ ...t, namespace })));
}

/** The first condition message of a resource that reports a certificate verification failure. */
function certificateFailure(o: KubeObject): string | undefined {
  const conditions = (o.status as { conditions?: unknown } | undefined)?.conditions;
  if (!Array.isArray(conditions)) return undefined;
  for (const c of conditions as { status?: unknown; message?: unknown }[]) {
    if (typeof c?.message === 'string' && CERTIFICATE_FAILURE.test(c.message)) return c.message.replace(/\s+/g, ' ').slice(0, 160);
  }
  return undefined;
}

/** Outcome of the check, in the shape of a preflight check without its fixed fields. */
export interface CertificateOutcome {
  readonly status: 'passed' | 'failed' | 'unknown';
  readonly found: string | null;
  readonly detail: string;
}

/**
 * Judges the capability resources. A kind the cluster does not serve has no resource to judge; a listing
 * that was not read or failed otherwise makes the check unknown.
 */
export function judgeCertificates(plan: Plan, lookup: (ref: ObjectTypeRef) => SourceListing | undefined): CertificateOutcome {
  const failing: { o: KubeObject; message: string }[] = [];
  let total = 0;
  let skipping = 0;
  for (const ref of certificateListRefs(plan)) {
    const listing = lookup(ref);
    if (!listing) return { status: 'unknown', found: null, detail: `${ref.kind} in ${ref.namespace} was not read` };
    if (!listing.ok) {
      if (listing.error.kind === 'missing-crd' || listing.error.kind === 'not-found') continue;
      return { status: 'unknown', found: null, detail: listing.error.message };
    }
    for (const o of listing.items) {
      total += 1;
      const annotated = (o.metadata.annotations ?? {})[SKIP_VERIFY_ANNOTATION] === 'true';
      if (annotated) skipping += 1;
      const message = certificateFailure(o);
      if (message && !annotated) failing.push({ o, message });
    }
  }
  if (failing.length) {
    const names = failing.map(({ o }) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`);
    const first = failing[0]!;
    return {
      status: 'failed',
      found: `${names.slice(0, 3).join(', ')}${names.length > 3 ? ` and ${names.length - 3} more` : ''} report a certificate verification failure (${first.o.kind} ${first.o.metadata.name}: ${first.message})`,
      detail: `add the annotation to each (seed chapter 1), e.g. \`oc -n ${first.o.metadata.namespace} annotate ${first.o.kind.toLowerCase()} ${first.o.metadata.name} ${SKIP_VERIFY_ANNOTATION}=true\`, or make the operator trust the certificate of the 3scale admin portal; the operator reconciles them then`,
    };
  }
  return { status: 'passed', found: `${total} capability resource${total === 1 ? '' : 's'}, none failing certificate verification${skipping ? ` (${skipping} with ${SKIP_VERIFY_ANNOTATION}: "true")` : ''}`, detail: 'nothing to do' };
}
