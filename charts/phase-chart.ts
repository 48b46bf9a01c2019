import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { KubeObject } from '../src/kube/kube-object.js';
import type { PhaseOutput, RenderContext } from '../src/phases/phase.js';
import type { PlanBase } from '../src/plan/plan-base.js';

/**
 * Base of every phase chart: explicit names only (no construct-path hashes), so a folder's content is a
 * function of the plan alone.
 */
export class PhaseChart<P extends PlanBase = PlanBase> extends Chart implements PhaseOutput {
  public readonly context: RenderContext<P>;
  private readonly _files = new Map<string, string>();
  private readonly _deleted: { apiVersion: string; kind: string; namespace?: string; name: string }[] = [];
  private readonly _released: { apiVersion: string; kind: string; namespace?: string; name: string }[] = [];

  public constructor(scope: Construct, id: string, context: RenderContext<P>) {
    super(scope, id, { disableResourceNameHashes: true });
    this.context = context;
  }

  /**
   * Adds a file to the phase folder that is not a Kubernetes object (for example a JSON patch document
   * for review); it is not listed in the folder's kustomization.
   */
  public addFile(path: string, content: string): void {
    if (this._files.has(path)) throw new Error(`threescale-migrate: ${this.node.id} adds ${path} twice`);
    this._files.set(path, content);
  }

  /** Files added with {@link addFile}, sorted by path. Returns a copy. */
  public get files(): { path: string; content: string }[] {
    return [...this._files.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([path, content]) => ({ path, content }));
  }

  /**
   * Declares that this phase deletes an object (through one of its Jobs): the folder's state no longer
   * carries it from earlier phases, so no GitOps engine tries to put back what the phase removes.
   */
  public declareDeleted(ref: { apiVersion: string; kind: string; namespace?: string; name: string }): void {
    this._deleted.push(ref);
  }

  /**
   * Declares that from this phase on the folders no longer carry an object an earlier phase rendered, though
   * nothing deletes it: it is left to another controller (an HPA keeps an autoscaled Deployment's replicas),
   * and no engine applies the earlier version again.
   */
  public release(ref: { apiVersion: string; kind: string; namespace?: string; name: string }): void {
    this._released.push(ref);
  }

  /** Objects released with {@link release}. Returns a copy. */
  public get released(): { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }[] {
    return this._released.map(asRef);
  }

  /** Objects declared deleted with {@link declareDeleted}. Returns a copy. */
  public get deleted(): { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }[] {
    return this._deleted.map(asRef);
  }

  /** The objects of the chart as plain JSON, in apply order (rendered on each read). */
  public get objects(): KubeObject[] {
    return this.toJson() as KubeObject[];
  }

  /** The plan being rendered. */
  public get plan(): P {
    return this.context.plan;
  }

  /** Plan name: the migration label of every object. */
  public get migration(): string {
    return this.context.plan.metadata.name;
  }

  /** Id recorded on what this chart renders: the phase id, or `rollback-<id>` in a rollback folder. */
  public get phaseId(): string {
    return this.context.rollback ? `rollback-${this.context.phase.id}` : this.context.phase.id;
  }
}

function asRef(d: { apiVersion: string; kind: string; namespace?: string; name: string }): { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } } {
  return { apiVersion: d.apiVersion, kind: d.kind, metadata: { name: d.name, ...(d.namespace ? { namespace: d.namespace } : {}) } };
}
