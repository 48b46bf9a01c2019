import { describe, expect, test } from 'vitest';
import { githubSlug, markdownToc, replaceBetween } from '../../src/util/markdown-toc.js';

describe('markdownToc', () => {
  test('GIVEN headings with code spans, dots, parentheses and links WHEN slugged THEN the anchors are the ones GitHub gives', () => {
    expect(githubSlug('Template-era 2.5 to 2.6 upgrade')).toBe('template-era-25-to-26-upgrade');
    expect(githubSlug('Plan file reference (`migration.yaml`)')).toBe('plan-file-reference-migrationyaml');
    expect(githubSlug('Explaining failures (`--explain`)')).toBe('explaining-failures---explain');
    expect(githubSlug('Installs before 2.15 (DeploymentConfigs)')).toBe('installs-before-215-deploymentconfigs');
    expect(githubSlug('Managed targets (RDS, ElastiCache)')).toBe('managed-targets-rds-elasticache');
    expect(githubSlug('See [Phases](#phases) now')).toBe('see-phases-now');
  });

  test('GIVEN a document with a repeated heading, a deeper one and a heading inside a code fence WHEN the TOC is made THEN repeats get -1, depth 4 and fenced lines are left out', () => {
    // GIVEN
    const doc = ['# Title', '## A', '### `x` B', '#### deep', '```sh', '## not a heading', '```', '## A', ''].join('\n');

    // WHEN
    const toc = markdownToc(doc);

    // THEN
    expect(toc).toBe('- [A](#a)\n  - [`x` B](#x-b)\n- [A](#a-1)\n');
  });

  test('GIVEN markers WHEN the body between them is replaced THEN the rest is kept, and a missing marker gives undefined', () => {
    expect(replaceBetween('a<s>old<e>b', '<s>', '<e>', 'new')).toBe('a<s>new<e>b');
    expect(replaceBetween('a<s>old', '<s>', '<e>', 'new')).toBeUndefined();
  });
});
