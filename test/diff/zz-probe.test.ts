import { test } from 'vitest';
import { compareObjects, renderChangesText } from '../../src/diff/compare-objects.js';
test('probe', () => {
  const desired = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'system-app', labels: { app: 'x' } },
    spec: { selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec: { containers: [
      { name: 'system-app', image: 'img:1', env: [{ name: 'DB_URL', value: 'mysql2://root:pw@db/x' }, { name: 'MYSQL_ROOT_PASSWORD', value: 'secret1' }, { name: 'A', value: '1' }],
        resources: { limits: { cpu: '1', memory: '1Gi' } }, ports: [{ containerPort: 3000 }] , args: ['a','b']} ] } } } };
  const live = JSON.parse(JSON.stringify(desired));
  live.metadata.uid = 'u'; live.metadata.labels.extra = 'y'; live.status = { replicas: 1 };
  const c = live.spec.template.spec.containers[0];
  c.env.reverse(); c.env[0].value = '2'; c.env[2].value = 'mysql2://root:pw2@db/x';
  c.resources.limits.cpu = '1000m'; c.resources.limits.memory = '1024Mi'; c.args = ['a'];
  c.env.push({ name: 'EXTRA', value: 'z' });
  const r = compareObjects(desired, live, { mode: 'live', removedPaths: ['/spec/template/spec/containers/name=system-app/env/name=EXTRA'] });
  console.log(JSON.stringify(r, null, 1));
  console.log(renderChangesText(r.changes, { color: false }));
  const r2 = compareObjects(desired, live, { mode: 'offline' });
  console.log(renderChangesText(r2.changes, { color: false }));
});
