import { describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import { UserError } from '../../src/errors.js';
import { fleetClusters, parseFleet } from '../../src/fleet/load-fleet.js';

const FILE = 'fleet.yaml';

/** A valid fleet of three clusters in two waves, with `change` applied to its raw mapping. */
function fleetText(change: (raw: any) => void = () => {}): string {
  const raw = {
    apiVersion: 'threescale-migrate.3scale.net/v1alpha1',
    kind: 'Fleet',
    metadata: { name: 'threescale' },
    spec: {
      clusters: [
        { name: 'dev', plan: 'clusters/dev/migration.yaml', argocd: { name: 'dev' }, flux: { kubeConfig: { secretRef: { name: 'dev-kubeconfig' } } } },
        { name: 'prod-eu', plan: 'clusters/prod-eu/migration.yaml', context: 'eu', argocd: { server: 'https://api.eu.example.com:6443' } },
        { name: 'prod-us', plan: '/abs/prod-us.yaml', argocd: { name: 'prod-us' }, flux: { kubeConfig: { secretRef: { name: 'us', key: 'value.yaml' } } } },
      ],
      waves: [
        { name: 'dev', clusters: ['dev'] },
        { name: 'prod', clusters: ['prod-eu', 'prod-us'] },
      ],
    },
  };
  change(raw);
  return stringify(raw);
}

/** The one sentence a refused fleet file gives. */
function refusal(text: string): string {
  try {
    parseFleet(text, FILE);
  } catch (err) {
    expect(UserError.isUserError(err)).toBe(true);
    return (err as Error).message;
  }
  throw new Error('the fleet file was accepted');
}

describe('the fleet file', () => {
  test('GIVEN a valid fleet WHEN loaded THEN the clusters come in wave order with their plan paths (relative to the fleet file), contexts and the default gate', () => {
    const loaded = parseFleet(fleetText(), 'repo/fleet.yaml');
    expect(loaded.fleet.spec.gate).toEqual({ passedPhase: 'verify' });
    expect(fleetClusters(loaded).map((c) => [c.cluster.name, c.planPath, c.context, c.wave, c.waveIndex])).toEqual([
      ['dev', 'repo/clusters/dev/migration.yaml', 'dev', 'dev', 0],
      ['prod-eu', 'repo/clusters/prod-eu/migration.yaml', 'eu', 'prod', 1],
      ['prod-us', '/abs/prod-us.yaml', 'prod-us', 'prod', 1],
    ]);
  });

  test.each([
    ['a list', '- a\n', 'fleet.yaml: the file holds a list of 1; expected a Fleet mapping with apiVersion, kind, metadata and spec.'],
    ['two documents', 'a: 1\n---\nb: 2\n', 'fleet.yaml: the file holds 2 YAML documents; expected one YAML mapping with unique keys.'],
    ['a plan instead', fleetText((r) => (r.kind = 'MigrationPlan')), 'fleet.yaml: kind: expected "Fleet", got "MigrationPlan".'],
    ['another apiVersion', fleetText((r) => (r.apiVersion = 'v1')), 'fleet.yaml: apiVersion: expected "threescale-migrate.3scale.net/v1alpha1", got "v1".'],
    ['an unknown key', fleetText((r) => (r.spec.clusters[0].kubeconfig = 'x')), 'fleet.yaml: spec.clusters[0]: unknown field "kubeconfig"; expected only the documented fields (see the plan file reference in the README).'],
    ['no clusters', fleetText((r) => (r.spec.clusters = [])), 'fleet.yaml: spec.clusters: expected a list of at least one cluster, got a list of 0.'],
    ['a cluster named fleet', fleetText((r) => (r.spec.clusters[0].name = 'fleet')), 'fleet.yaml: spec.clusters[0].name: expected a cluster name other than "fleet" (the folder of the management cluster\'s wiring), got "fleet".'],
    ['a cluster name with a slash', fleetText((r) => (r.spec.clusters[0].name = '../etc')), 'fleet.yaml: spec.clusters[0].name: expected a cluster name that is a DNS-1123 label (lower-case letters, digits and "-"), got "../etc".'],
    ['an http Argo CD server', fleetText((r) => (r.spec.clusters[1].argocd = { server: 'http://api' })), 'fleet.yaml: spec.clusters[1].argocd.server: expected an https:// API server URL, got "http://api".'],
    ['Argo CD with neither name nor server', fleetText((r) => (r.spec.clusters[0].argocd = {})), 'fleet.yaml: spec.clusters[0].argocd: expected a mapping with exactly one of name (the cluster name registered in Argo CD) or server (its https:// API server URL), got a mapping.'],
    ['Argo CD name and server', fleetText((r) => (r.spec.clusters[0].argocd = { name: 'dev', server: 'https://a' })), 'fleet.yaml: spec.clusters[0].argocd: expected a mapping with exactly one of name (the cluster name registered in Argo CD) or server (its https:// API server URL), got a mapping.'],
    ['a cluster twice', fleetText((r) => (r.spec.clusters[2].name = 'dev')), 'fleet.yaml: spec.clusters[2].name: "dev" is also spec.clusters[0].name; expected each cluster once.'],
    ['a wave twice', fleetText((r) => (r.spec.waves[1].name = 'dev')), 'fleet.yaml: spec.waves[1].name: "dev" is also spec.waves[0].name; expected each wave once.'],
    ['an unknown cluster in a wave', fleetText((r) => r.spec.waves[1].clusters.push('prod-ap')), 'fleet.yaml: spec.waves[1].clusters[2]: "prod-ap" is not a cluster of spec.clusters; expected one of dev, prod-eu, prod-us.'],
    ['a cluster in two waves', fleetText((r) => r.spec.waves[1].clusters.push('dev')), 'fleet.yaml: spec.waves[1].clusters[2]: "dev" is also in wave dev; expected each cluster in exactly one wave.'],
    ['a cluster in no wave', fleetText((r) => r.spec.waves[1].clusters.pop()), 'fleet.yaml: spec.waves: cluster "prod-us" is in no wave; expected each cluster in exactly one wave.'],
    ['an empty wave', fleetText((r) => (r.spec.waves[1].clusters = [])), 'fleet.yaml: spec.waves[1].clusters: expected a list of at least one cluster name, got a list of 0.'],
    [
      'two entries for one Argo CD cluster',
      fleetText((r) => (r.spec.clusters[2].argocd = { name: 'dev' })),
      'fleet.yaml: spec.clusters[2].argocd: name "dev" is also spec.clusters[0]\'s; expected one entry per cluster (two pointers on one cluster would make two phases active).',
    ],
    [
      'two entries for one context',
      fleetText((r) => (r.spec.clusters[2].context = 'eu')),
      'fleet.yaml: spec.clusters[2].context: context "eu" is also spec.clusters[1]\'s; expected one entry per cluster (two pointers on one cluster would make two phases active).',
    ],
    ['a gate phase that is no id', fleetText((r) => (r.spec.gate = { passedPhase: '07 verify' })), 'fleet.yaml: spec.gate.passedPhase: expected a phase id such as verify, got "07 verify".'],
  ])('GIVEN %s WHEN loaded THEN refused in one sentence naming the file and field', (_name, text, message) => {
    expect(refusal(text)).toBe(message);
  });

  test('GIVEN an alias bomb WHEN loaded THEN refused before it expands', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`)].join('\n');
    expect(refusal(`${bomb}\n`)).toBe('fleet.yaml: invalid YAML at line 7, column 9: too many aliases (more than 50); expected one YAML mapping with unique keys.');
  });
});
