import type { GitopsSpec, JobsSpec } from './plan-schema.js';

/**
 * What every plan kind has. Generic code (synth, the GitOps wiring, diff, status, the plan view) reads only
 * this, so a new procedure with its own plan kind needs no change there.
 */
export interface PlanBase {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    /** Names the run; used in labels and in the GitOps objects. */
    readonly name: string;
  };
  readonly spec: {
    /** Which procedure of the registry the plan runs. */
    readonly procedure: string;
    /** The namespace 3scale runs (or will run) in: the destination of the GitOps wiring. */
    readonly threescale: {
      readonly namespace: string;
      /** The APIManager the plan works on, when it has one: diff and status report what the operator says on it. */
      readonly apiManagerName?: string;
    };
    readonly jobs: JobsSpec;
    readonly gitops: GitopsSpec;
  };
}
