import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { DeploymentConfig } from '../../imports/openshift-apps-apps.openshift.io.js';
import { componentSelector } from '../../src/plan/deployments.js';
import type { WorkloadKind } from '../../src/plan/plan-schema.js';
import { ARGOCD_SYNC_WAVE, partialAnnotations } from './metadata.js';

/** Props of {@link ReplicaOverlay}. */
export interface ReplicaOverlayProps {
  /** Workload name. */
  readonly name: string;
  /** Its namespace. */
  readonly namespace: string;
  /** The replica count this phase wants. */
  readonly replicas: number;
  /** Phase that sets it (recorded in an annotation). */
  readonly phaseId: string;
  /**
   * What the workload is: an apps/v1 Deployment, or an apps.openshift.io/v1 DeploymentConfig (3scale before
   * 2.15). Both carry `spec.replicas` at the same path and both have a scale subresource.
   * @default Deployment
   */
  readonly kind?: WorkloadKind;
  /** Argo CD sync wave of the overlay inside its phase. @default none (wave 0) */
  readonly wave?: number;
  /**
   * The live Deployment's pod selector (`matchLabels`), rendered for Flux's sake (below); ignored for a
   * DeploymentConfig. @default the 3scale operator's `deployment: <name>`
   */
  readonly selector?: Readonly<Record<string, string>>;
}

/**
 * A partial Deployment (or DeploymentConfig) carrying only `spec.replicas` (a Deployment also the two
 * fields Flux needs, {@link deploymentSpec}), for workloads the operator or OLM owns. Applied with server-side apply it changes that one field and nothing else; it is never pruned
 * or deleted. Replaces the seed's `oc scale deployment/…` and `oc scale dc/…`, which Argo CD or Flux
 * self-heal would revert.
 */
export class ReplicaOverlay extends Construct {
  public constructor(scope: Construct, id: string, props: ReplicaOverlayProps) {
    super(scope, id);
    const wave: Record<string, string> = props.wave !== undefined ? { [ARGOCD_SYNC_WAVE]: String(props.wave) } : {};
    const metadata = { name: props.name, namespace: props.namespace, annotations: { ...partialAnnotations(props.phaseId), ...wave } };
    if (props.kind === 'DeploymentConfig') {
      new DeploymentConfig(this, 'Resource', { metadata, spec: { replicas: props.replicas } });
      return;
    }
    new ApiObject(this, 'Resource', { apiVersion: 'apps/v1', kind: 'Deployment', metadata, spec: deploymentSpec(props) });
  }
}

/**
 * `spec.replicas`, plus the two fields Flux's typed normalization would otherwise send as `null`.
 *
 * kustomize-controller (v1.9.6, internal/controller/kustomization_controller.go:891) passes every object
 * through fluxcd/pkg/ssa `normalize.UnstructuredList` (ssa v0.76.2, normalize/normalize.go:124-151) before
 * it applies: a kind of client-go's scheme is converted to its Go type and back (normalize.go:47-78). In
 * k8s.io/api apps/v1 (types.go:388, :392) `DeploymentSpec.Selector` is a pointer and `Template` a struct,
 * both without `omitempty`, and `PodSpec.Containers` (core/v1 types.go:4172) has none either, so a
 * Deployment carrying only `spec.replicas` comes out as `selector: null` and
 * `template: {metadata: {}, spec: {containers: null}}`. In a server-side apply `null` removes the field:
 * the API server refuses the selector (`spec.selector: Invalid value: null: field is immutable`).
 *
 * So the overlay carries the live selector (atomic and immutable: applying the same value co-owns it and
 * can never change it) and `template.spec.containers: []` (an empty keyed list: the round trip keeps it
 * `[]`, the merge keeps every live container and records no ownership of them). After Flux's apply the
 * field manager owns `replicas`, the selector and two empty nodes (`strategy`, `template.metadata`), no
 * value another manager set; Argo CD and kubectl apply the same object with the same result.
 */
function deploymentSpec(props: ReplicaOverlayProps): Record<string, unknown> {
  const matchLabels = props.selector ?? componentSelector(props.name);
  return { replicas: props.replicas, selector: { matchLabels: { ...matchLabels } }, template: { spec: { containers: [] } } };
}
