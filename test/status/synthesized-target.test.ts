/**
 * Specification of `status --dir`: the target is read from the one GitOps pointer synth wrote (its
 * `threescale-migrate.3scale.net/phase` annotation), and a folder that is not one pointer of this migration
 * is refused in one sentence.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import { readSynthesizedTarget } from '../../src/status/synthesized-target.js';
import { userError } from '../support/plans.js';

const MIGRATION = 'prod-3scale';

/** A synthesized folder holding the given wiring files (path under gitops/ → text). */
function folderWith(files: Record<string, string>): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'synthesized-target-')), 'dist');
  for (const [path, text] of Object.entries(files)) {
    const file = join(dir, 'gitops', path);
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, text);
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}

const pointer = (kind: string, annotations: Record<string, string>, migration = MIGRATION) =>
  stringify({ kind, metadata: { name: `${migration}-migration`, labels: { 'threescale-migrate.3scale.net/migration': migration }, annotations } });

describe('readSynthesizedTarget', () => {
  test('GIVEN the Flux pointer at rollback/05-cutover WHEN read THEN the target is that folder of Flux', () => {
    // GIVEN
    const dir = folderWith({ 'flux/kustomization-pointer.yaml': pointer('Kustomization', { 'threescale-migrate.3scale.net/phase': 'rollback/05-cutover' }), 'flux/gitrepository.yaml': stringify({ kind: 'GitRepository' }) });

    // WHEN / THEN
    expect(readSynthesizedTarget(dir, MIGRATION)).toEqual({ dir, engine: 'flux', folder: 'rollback/05-cutover' });
  });

  test('GIVEN a folder without wiring WHEN read THEN no engine and no folder (applied by hand)', () => {
    const dir = folderWith({});
    expect(readSynthesizedTarget(dir, MIGRATION)).toEqual({ dir, engine: null, folder: null });
  });

  test('GIVEN pointers of both engines WHEN read THEN refused naming both files', () => {
    // GIVEN
    const dir = folderWith({
      'argocd/application.yaml': pointer('Application', { 'threescale-migrate.3scale.net/phase': '01-prepare' }),
      'flux/kustomization-pointer.yaml': pointer('Kustomization', { 'threescale-migrate.3scale.net/phase': '02-scale-down' }),
    });

    // WHEN / THEN
    expect(userError(() => readSynthesizedTarget(dir, MIGRATION)).message).toBe(
      `${dir}/gitops: ${join(dir, 'gitops/argocd/application.yaml')} and ${join(dir, 'gitops/flux/kustomization-pointer.yaml')} both point at a folder; expected the wiring of one engine (run synth again).`,
    );
  });

  test('GIVEN an Application without the phase annotation, or of another migration, or two documents WHEN read THEN refused in one sentence naming the file', () => {
    // GIVEN
    const unannotated = folderWith({ 'argocd/application.yaml': pointer('Application', {}) });
    const foreign = folderWith({ 'argocd/application.yaml': pointer('Application', { 'threescale-migrate.3scale.net/phase': '01-prepare' }, 'staging-3scale') });
    const two = folderWith({ 'argocd/application.yaml': `${pointer('Application', { 'threescale-migrate.3scale.net/phase': '01-prepare' })}---\n${pointer('Application', { 'threescale-migrate.3scale.net/phase': '02-scale-down' })}` });
    const file = (dir: string) => join(dir, 'gitops/argocd/application.yaml');

    // WHEN / THEN
    expect(userError(() => readSynthesizedTarget(unannotated, MIGRATION)).message).toBe(`${file(unannotated)}: metadata.annotations.threescale-migrate.3scale.net/phase: expected the folder the pointer points at (run synth again).`);
    expect(userError(() => readSynthesizedTarget(foreign, MIGRATION)).message).toBe(`${file(foreign)}: wiring of migration "staging-3scale", not of "prod-3scale"; expected --dir to name the folder synth wrote from this plan.`);
    expect(userError(() => readSynthesizedTarget(two, MIGRATION)).message).toBe(`${file(two)}: expected exactly one object, the migration's pointer (run synth again).`);
  });
});
