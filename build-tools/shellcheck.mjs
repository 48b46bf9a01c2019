// `npm run lint` part three: shellcheck over every script the Jobs run (charts/scripts/**). `source`d libraries are
// followed (each script names its library with a `# shellcheck source=` directive, relative to the script's folder).
// A machine without shellcheck skips the check with a notice; with CI=true a missing shellcheck fails (`.ci/run`
// installs the Debian package `shellcheck`).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = 'charts/scripts';

/** Every `*.sh` below `dir`, sorted, as paths relative to the repository root. */
function scripts(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? scripts(join(dir, e.name)) : e.name.endsWith('.sh') ? [join(dir, e.name)] : []))
    .sort();
}

const files = scripts(ROOT);
const run = spawnSync('shellcheck', ['--external-sources', '--source-path=SCRIPTDIR', ...files], { stdio: 'inherit' });
if (run.error?.code === 'ENOENT') {
  const text = 'shellcheck is not installed; expected the Debian package `shellcheck` (apt-get install shellcheck)';
  if (process.env.CI === 'true') {
    process.stderr.write(`lint: ${text}.\n`);
    process.exit(2);
  }
  process.stderr.write(`lint: SKIPPED the shell scripts: ${text}. With CI=true this fails.\n`);
  process.exit(0);
}
if (run.error) throw run.error;
if (run.status === 0) process.stdout.write(`shellcheck: ${files.length} scripts under ${ROOT}/ clean\n`);
process.exit(run.status ?? 1);
