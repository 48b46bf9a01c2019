import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { ARGOCD_SYNC_WAVE, partialAnnotations } from './metadata.js';

/** Props of {@link ApiManagerOverlay}. */
export interface ApiManagerOverlayProps {
  /** APIManager name. */
  readonly name: string;
  /** Its namespace. */
  readonly namespace: string;
  /** Phase that sets it. */
  readonly phaseId: string;
  /** `spec.externalComponents` as this phase wants it; only the flags given are owned. */
  readonly externalComponents: {
    readonly systemDatabase?: boolean;
    readonly systemRedis?: boolean;
    readonly backendRedis?: boolean;
  };
  /**
   * Put `spec.system.database.postgresql: {}` back. Needed when rolling the System database back to the
   * internal PostgreSQL: the operator deleted `spec.system.database` when the database became external,
   * and without it would create an empty internal MySQL.
   * @default false
   */
  readonly restoreInternalPostgresql?: boolean;
  /**
   * Argo CD sync wave inside the phase (after the Jobs of earlier waves).
   * @default none (wave 0)
   */
  readonly wave?: number;
}

/**
 * A partial APIManager carrying only the external-component flags this migration owns (server-side
 * apply). It never carries `spec.system.database` while the database is external, because the operator
 * removes that field and a GitOps copy holding it would fight the operator forever.
 */
export class ApiManagerOverlay extends Construct {
  public constructor(scope: Construct, id: string, props: ApiManagerOverlayProps) {
    super(scope, id);
    const ext = props.externalComponents;
    const system: Record<string, boolean> = {};
    if (ext.systemDatabase !== undefined) system.database = ext.systemDatabase;
    if (ext.systemRedis !== undefined) system.redis = ext.systemRedis;
    const externalComponents: Record<string, unknown> = {};
    if (Object.keys(system).length) externalComponents.system = system;
    if (ext.backendRedis !== undefined) externalComponents.backend = { redis: ext.backendRedis };
    const spec: Record<string, unknown> = { externalComponents };
    if (props.restoreInternalPostgresql) spec.system = { database: { postgresql: {} } };
    new ApiObject(this, 'Resource', {
      apiVersion: 'apps.3scale.net/v1alpha1',
      kind: 'APIManager',
      metadata: {
        name: props.name,
        namespace: props.namespace,
        annotations: { ...partialAnnotations(props.phaseId), ...(props.wave !== undefined ? { [ARGOCD_SYNC_WAVE]: String(props.wave) } : {}) },
      },
      spec,
    });
  }
}
