import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/diff/json.js';
import { fieldStep, itemStep, itemStepByKey, keyedPath, renderPath, ROOT_PATH, stepsAlong } from '../../src/diff/keyed-path.js';
import { mergeKeyFor } from '../../src/diff/list-keys.js';

const deployment: JsonObject = {
  metadata: { labels: { 'app.kubernetes.io/name': 'system' } },
  spec: {
    template: {
      spec: {
        containers: [
          {
            name: 'system-app',
            env: [{ name: 'DB_URL', value: 'x' }],
            args: ['--port', '3000'],
            volumeMounts: [{ name: 'cfg', mountPath: '/opt/system/config' }],
            ports: [{ containerPort: 3000, protocol: 'TCP' }],
          },
        ],
      },
    },
  },
};

const service: JsonObject = { spec: { ports: [{ port: 5432, protocol: 'TCP', targetPort: 5432 }] } };

describe('keyed-path', () => {
  it('names container and env items by name (dyff-style identifiers)', () => {
    // GIVEN a Deployment and raw pointer tokens to an env value
    const tokens = ['spec', 'template', 'spec', 'containers', 0, 'env', 0, 'value'];
    // WHEN rendered
    const path = keyedPath(deployment, tokens);
    // THEN items are named by merge key, not position
    expect(path).toBe('spec.template.spec.containers[name=system-app].env[name=DB_URL].value');
  });

  it('quotes map keys that are not plain identifiers (label keys with dots and slashes)', () => {
    // GIVEN a label key with dots and a slash
    // WHEN rendered
    const path = keyedPath(deployment, ['metadata', 'labels', 'app.kubernetes.io/name']);
    // THEN the key is bracketed and quoted
    expect(path).toBe('metadata.labels["app.kubernetes.io/name"]');
  });

  it('keys Service ports by port and protocol (SSA list-map keys, argo-cd#19402)', () => {
    // GIVEN a Service port
    // WHEN rendered
    const path = keyedPath(service, ['spec', 'ports', 0]);
    // THEN both key fields appear
    expect(path).toBe('spec.ports[port=5432,protocol=TCP]');
  });

  it('keys container ports by containerPort and protocol, volume mounts by mountPath', () => {
    // GIVEN container ports and mounts
    // WHEN rendered
    // THEN their own merge keys are used
    expect(keyedPath(deployment, ['spec', 'template', 'spec', 'containers', 0, 'ports', 0])).toBe(
      'spec.template.spec.containers[name=system-app].ports[containerPort=3000,protocol=TCP]',
    );
    expect(keyedPath(deployment, ['spec', 'template', 'spec', 'containers', 0, 'volumeMounts', 0, 'name'])).toBe(
      'spec.template.spec.containers[name=system-app].volumeMounts[mountPath=/opt/system/config].name',
    );
  });

  it('keeps positions for atomic lists', () => {
    // GIVEN an args list (atomic)
    // WHEN rendered
    // THEN the item is shown by index
    expect(keyedPath(deployment, ['spec', 'template', 'spec', 'containers', 0, 'args', 1])).toBe(
      'spec.template.spec.containers[name=system-app].args[1]',
    );
  });

  it('quotes key values with separators or spaces', () => {
    // GIVEN an env name that would break the selector syntax
    const steps = [fieldStep('env'), itemStep('env', [{ name: 'A,B=C' }], 0)];
    // WHEN rendered
    // THEN the value is JSON-quoted
    expect(renderPath(steps)).toBe('env[name="A,B=C"]');
  });

  it('renders the empty path as the root marker and first quoted keys without a dot', () => {
    // GIVEN no steps, or a first step that needs quoting
    // WHEN rendered
    // THEN the root marker / a bracketed first key
    expect(renderPath([])).toBe(ROOT_PATH);
    expect(renderPath([fieldStep('a.b'), fieldStep('c')])).toBe('["a.b"].c');
  });

  it('renders tokens that leave the document as given', () => {
    // GIVEN tokens beyond the document
    // WHEN rendered
    // THEN they still produce a readable path
    expect(keyedPath(deployment, ['spec', 'missing', 'x'])).toBe('spec.missing.x');
    expect(stepsAlong(deployment, ['spec', 'template', 'spec', 'containers', 5])).toEqual([
      fieldStep('spec'),
      fieldStep('template'),
      fieldStep('spec'),
      fieldStep('containers'),
      { kind: 'item', index: 5 },
    ]);
  });
});

describe('itemStepByKey', () => {
  it('GIVEN keyed, atomic, mixed and empty-key lists WHEN each item\'s step is built from the merge key judged once THEN it equals itemStep, which judges it per item', () => {
    const lists: [string | undefined, JsonObject['x'][]][] = [
      ['env', [{ name: 'B', value: '1' }, { name: 'A' }]],
      ['ports', [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 443 }]],
      ['ports', [{ port: 80 }, { containerPort: 8080 }]],
      ['args', ['--port', '3000']],
      ['containers', [{ name: 'a' }, { image: 'no-name' }]],
      [undefined, [{ name: 'a' }]],
      ['env', []],
    ];
    for (const [name, list] of lists) {
      const fields = mergeKeyFor(name, list);
      for (const index of list.keys()) expect(itemStepByKey(list[index], index, fields), `${name}[${index}]`).toEqual(itemStep(name, list, index));
    }
  });
});
