import type { ErrorObject } from 'ajv';
import { knownCustomKinds } from './crd-index.js';
import { crdValidator } from './crd-schemas.js';
import { modelFor } from './model-registry.js';
import { issuesFromSchemaErrors } from './schema-errors.js';
import { isRecord, objectLabel, type ValidationIssue } from './validation-issue.js';

export type { ValidationIssue } from './validation-issue.js';

export interface ValidateManifestOptions {
  /**
   * The object is a server-side-apply patch that carries only the fields the tool owns (e.g. an APIManager
   * with just `spec.externalComponents`, a Deployment with just `spec.replicas`): `required` constraints are
   * not enforced, while types, enums, patterns and unknown fields still are. `metadata.name` stays required.
   */
  readonly partial?: boolean;
}

/** API group of kustomize's own files (`kustomization.yaml`), which are not Kubernetes objects. */
const KUSTOMIZE_CONFIG_GROUP = 'kustomize.config.k8s.io';

/**
 * Checks one synthesized object against the schema of its kind and returns one issue per problem (none when
 * it is valid).
 *
 * - Kubernetes built-ins, Argo CD and Flux kinds: the OpenAPI schemas shipped in `kubernetes-models` and its
 *   Argo CD / Flux packages (see model-registry.ts). Those schemas do not forbid unknown fields, so a
 *   misspelt field in a built-in kind is not reported.
 * - APIManager and Subscription: the project's CRDs in `crds/`, with unknown fields rejected wherever the
 *   CRD does not preserve them (see crd-schemas.ts).
 * - kustomize's `Kustomization` files (`kustomize.config.k8s.io`) are not Kubernetes objects and are skipped.
 * - Any other `apiVersion`/`kind` yields an issue saying no schema is known.
 */
export function validateManifest(obj: unknown, options: ValidateManifestOptions = {}): ValidationIssue[] {
  const partial = options.partial === true;
  const object = objectLabel(obj);
  if (!isRecord(obj)) {
    return [{ object, path: '', message: `${object}: the manifest is not a JSON object, so it is not a Kubernetes object.` }];
  }
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== 'string' || apiVersion === '' || typeof kind !== 'string' || kind === '') {
    const path = typeof apiVersion !== 'string' || apiVersion === '' ? 'apiVersion' : 'kind';
    return [{ object, path, message: `${object}: ${path} is missing, so the object has no schema to validate against.` }];
  }
  if (apiVersion.split('/')[0] === KUSTOMIZE_CONFIG_GROUP) {
    return [];
  }

  const issues = [...identityIssues(obj, object)];
  const model = modelFor(apiVersion, kind);
  if (model !== undefined) {
    issues.push(...issuesFromSchemaErrors(modelErrors(() => new model(obj as never).validate()), { object, root: obj, partial }));
    return issues;
  }
  const validate = crdValidator(apiVersion, kind, partial);
  if (validate !== undefined) {
    if (!validate(obj)) {
      issues.push(...issuesFromSchemaErrors(validate.errors ?? [], { object, root: obj, partial }));
    }
    return issues;
  }
  issues.push({
    object,
    path: '',
    message:
      `${object}: no schema is known for apiVersion ${apiVersion} kind ${kind}, so it cannot be validated ` +
      `(add it to src/validate/model-registry.ts, or add its CRD to crds/; custom kinds known: ${knownCustomKinds().join(', ')}).`,
  });
  return issues;
}

/** Validates many objects (e.g. everything one synth produced) and returns all issues in order. */
export function validateManifests(objects: Iterable<unknown>, options: ValidateManifestOptions = {}): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const obj of objects) {
    issues.push(...validateManifest(obj, options));
  }
  return issues;
}

/** Rules every applied object must meet whatever its kind: server-side apply needs a name. */
function identityIssues(obj: Record<string, unknown>, object: string): ValidationIssue[] {
  const metadata = obj.metadata;
  if (!isRecord(metadata)) {
    return [{ object, path: 'metadata', message: `${object}: metadata is required but missing, so the object has no name to apply it by.` }];
  }
  if (typeof metadata.name !== 'string' || metadata.name === '') {
    if (typeof metadata.generateName === 'string' && metadata.generateName !== '') {
      return [];
    }
    return [{ object, path: 'metadata.name', message: `${object}: metadata.name is required but missing, so the object cannot be applied.` }];
  }
  return [];
}

/** Runs a kubernetes-models `validate()` and returns the ajv errors it threw (none when valid). */
function modelErrors(run: () => void): ErrorObject[] {
  try {
    run();
    return [];
  } catch (error) {
    const errors = isRecord(error) ? error.errors : undefined;
    if (Array.isArray(errors)) {
      return errors as ErrorObject[];
    }
    throw error;
  }
}
