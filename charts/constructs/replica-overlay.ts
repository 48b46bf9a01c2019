import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { partialAnnotations } from './metadata.js';

/** Props of {@link ReplicaOverlay}. */
export interface ReplicaOverlayProps {
  /** Deployment name. */
  readonly name: string;
  /** Its namespace. */
  readonly namespace: string;
  /** The replica count this phase wants. */
  readonly replicas: number;
  /** Phase that sets it (recorded in an annotation). */
  readonly phaseId: string;
}

/**
 * A partial Deployment carrying only `spec.replicas`, for Deployments the operator or OLM owns. Applied
 * with server-side apply it changes that one field and nothing else; it is never pruned or deleted.
 * Replaces the seed's `oc scale`, which Argo CD or Flux self-heal would revert.
 */
export class ReplicaOverlay extends Construct {
  public constructor(scope: Construct, id: string, props: ReplicaOverlayProps) {
    super(scope, id);
    new ApiObject(this, 'Resource', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: props.name, namespace: props.namespace, annotations: partialAnnotations(props.phaseId) },
      spec: { replicas: props.replicas },
    });
  }
}
