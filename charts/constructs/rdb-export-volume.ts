import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { rdbExportNames, type RedisRole } from '../../src/plan/plan-facts.js';
import type { StorageSpec } from '../../src/plan/plan-schema.js';
import { volumeClaimSpec } from './kube-values.js';
import { keepAnnotations, ownLabels } from './metadata.js';

/** Props of {@link RdbExportVolume}. */
export interface RdbExportVolumeProps {
  /** The Redis whose RDB is exported. */
  readonly role: RedisRole;
  /** The 3scale namespace (where the old Redis and the export Job run). */
  readonly namespace: string;
  /** Size and class, from the plan's Redis `storage` (a dump is at most the size of the old volume). */
  readonly storage: StorageSpec;
  /** Plan name, for labels. */
  readonly migration: string;
}

/**
 * The volume the RDB of an old Redis is exported to for a managed Redis that is seeded outside the
 * cluster (ElastiCache from S3, seed 6.2.2): it outlives the export Job, so the file can be fetched from
 * it, and carries the keep annotations so no GitOps engine prunes the copy.
 */
export class RdbExportVolume extends Construct {
  public constructor(scope: Construct, id: string, props: RdbExportVolumeProps) {
    super(scope, id);
    new k8s.KubePersistentVolumeClaim(this, 'Resource', {
      metadata: { name: rdbExportNames(props.role).pvc, namespace: props.namespace, labels: ownLabels(props.migration), annotations: keepAnnotations() },
      spec: volumeClaimSpec(props.storage),
    });
  }
}
