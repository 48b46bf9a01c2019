// @ts-check
// `npm run lint` (part of `npm test`): typescript-eslint's strict-type-checked set over every TypeScript file the
// test tsconfig covers, import cycles and undeclared dependencies (eslint-plugin-import-x). The rules turned off
// below are turned off for the reason written beside each; everything else of strict-type-checked is an error.
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // Generated: the build and release outputs (.gitignore), cdk8s imports, golden snapshots, benchmark results.
  { ignores: ['build/**', 'dist/**', 'release/**', '.vitest-*/**', 'imports/**', 'node_modules/**', 'snapshots/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: { parserOptions: { project: ['tsconfig.test.json'], tsconfigRootDir: import.meta.dirname } },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.test.json' })],
      // Without these, import-x reads only .js files when it follows imports, and finds no cycle through .ts.
      'import-x/extensions': ['.ts', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
    },
    rules: {
      'import-x/no-cycle': 'error',
      // Shipped code (src, charts) may import only `dependencies`; tests, benchmarks and build tools also devDependencies.
      'import-x/no-extraneous-dependencies': [
        'error',
        { devDependencies: ['test/**', 'bench/**', 'build-tools/**', '*.config.{js,ts}'], optionalDependencies: false },
      ],
      // Numbers and booleans print as themselves in messages; `undefined`, `null` and objects stay errors.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      // `_name` marks a binding kept on purpose (a destructured field dropped from a rest object).
      '@typescript-eslint/no-unused-vars': ['error', { varsIgnorePattern: '^_', argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // The `!` on optional plan fields goes with issue 17's discriminated unions (each strategy its own type);
      // until then the schema's cross-field checks are what guarantee them.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Plans, export files and API answers are parsed input: code keeps checks its static type calls redundant.
      '@typescript-eslint/no-unnecessary-condition': 'off',
      // Indexed reads (`list[0]!`) keep their `!` as if noUncheckedIndexedAccess were on (a later tsconfig step
      // turns it on); without that option this rule calls every one of them unnecessary.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      // Style only: `() => void f()` and `cond && f()` read fine and hide no value.
      '@typescript-eslint/no-confusing-void-expression': 'off',
      // Kubernetes objects are plain JSON maps edited by key (normalizing, masking, removing fields) on purpose.
      '@typescript-eslint/no-dynamic-delete': 'off',
      // Values of parsed YAML/JSON are put into messages with String() on purpose; what an object prints as is
      // covered by the hostile-input tests.
      '@typescript-eslint/no-base-to-string': 'off',
      // Interface methods stay async where an implementation happens to be synchronous, so failures are always
      // rejections and callers await them alike.
      '@typescript-eslint/require-await': 'off',
      // Scripts' output and logs are matched for control characters on purpose (masking, terminal escapes).
      'no-control-regex': 'off',
    },
  },
  {
    // Tests read rendered YAML and API answers as untyped data and assert on it: a wrong shape fails the assertion.
    files: ['test/**'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      // Tests spread JSON fixtures the type calls possibly-arrays, and count hostile strings by code point.
      '@typescript-eslint/no-misused-spread': 'off',
      // Tests read a method off an object to assert it is absent or undefined.
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', 'vitest.config.ts'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly', structuredClone: 'readonly' } },
  },
);
