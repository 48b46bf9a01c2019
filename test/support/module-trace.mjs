// `node --import ./test/support/module-trace.mjs …` installs module-trace-hooks.mjs.
import { register } from 'node:module';

register('./module-trace-hooks.mjs', import.meta.url);
