import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { DeploymentConfig } from '../../imports/openshift-apps-apps.openshift.io.js';
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
}

/**
 * A partial Deployment (or DeploymentConfig) carrying only `spec.replicas`, for workloads the operator or
 * OLM owns. Applied with server-side apply it changes that one field and nothing else; it is never pruned
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
    new ApiObject(this, 'Resource', { apiVersion: 'apps/v1', kind: 'Deployment', metadata, spec: { replicas: props.replicas } });
  }
}
