import * as z from 'zod/mini';
import { namespaceName, objectName } from '../plan/plan-schema.js';

/**
 * The fleet file (`fleet.yaml`, kind Fleet): the clusters of one platform, each with its own plan, how the
 * GitOps engine of the management cluster reaches it, and the waves the migration moves through them in.
 * Strict like a plan: an unknown key is an error, never a silent default.
 */

export const FLEET_KIND = 'Fleet';

/** Names the output folders (`<out>/<cluster>/`) take; `fleet` holds the management cluster's wiring. */
export const FLEET_WIRING_FOLDER = 'fleet';

const clusterName = z.string().check(
  z.maxLength(63, { error: 'a cluster name of at most 63 characters' }),
  z.regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'a cluster name that is a DNS-1123 label (lower-case letters, digits and "-")' }),
  z.refine((name) => name !== FLEET_WIRING_FOLDER, { error: `a cluster name other than "${FLEET_WIRING_FOLDER}" (the folder of the management cluster's wiring)` }),
);

/** How Argo CD reaches the cluster: the name it is registered under (its cluster Secret's `name`), or its API server URL. */
const argocdTarget = z
  .strictObject({
    name: z.optional(z.string().check(z.minLength(1), z.maxLength(253))),
    server: z.optional(z.string().check(z.regex(/^https:\/\/[^\s\p{Cc}]+$/u, { error: 'an https:// API server URL' }), z.maxLength(2048))),
  })
  .check(z.refine((t) => (t.name === undefined) !== (t.server === undefined), { error: 'a mapping with exactly one of name (the cluster name registered in Argo CD) or server (its https:// API server URL)' }));

/** How Flux reaches the cluster: the Secret (in the Kustomization's namespace) holding its kubeconfig. */
const fluxTarget = z.strictObject({
  kubeConfig: z.strictObject({
    secretRef: z.strictObject({
      name: objectName,
      /** Key of the kubeconfig in the Secret. @default Flux's own (`value`, else `value.yaml`) */
      key: z.optional(z.string().check(z.minLength(1), z.maxLength(253), z.regex(/^[-._a-zA-Z0-9]+$/, { error: 'a Secret key of letters, digits, "-", "_" and "."' }))),
    }),
  }),
});

const cluster = z.strictObject({
  name: clusterName,
  /** The cluster's plan file, relative to the fleet file. */
  plan: z.string().check(z.minLength(1), z.maxLength(4096)),
  /** The kubeconfig context `status`, `diff` and `promote` read the cluster through. @default the cluster name */
  context: z.optional(z.string().check(z.minLength(1), z.maxLength(253))),
  argocd: z.optional(argocdTarget),
  flux: z.optional(fluxTarget),
});

const wave = z.strictObject({
  name: clusterName,
  clusters: z.array(clusterName).check(z.minLength(1, { error: 'a list of at least one cluster name' })),
});

export const fleetSchema = z.strictObject({
  apiVersion: z.string(),
  kind: z.literal(FLEET_KIND),
  metadata: z.strictObject({ name: namespaceName }),
  spec: z.strictObject({
    clusters: z.array(cluster).check(z.minLength(1, { error: 'a list of at least one cluster' })),
    /** The order the migration moves in: every cluster in exactly one wave. */
    waves: z.array(wave).check(z.minLength(1, { error: 'a list of at least one wave' })),
    gate: z._default(
      z.strictObject({
        /**
         * The phase a cluster of an earlier wave must have passed before a later wave may enter the phase that
         * opens the maintenance window. @default verify
         */
        passedPhase: z._default(z.string().check(z.regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'a phase id such as verify' })), 'verify'),
      }),
      { passedPhase: 'verify' },
    ),
  }),
});

export type Fleet = z.output<typeof fleetSchema>;
export type FleetCluster = Fleet['spec']['clusters'][number];
