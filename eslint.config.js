// Lint: the recommended rules of ESLint and typescript-eslint, and the import boundaries below.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

/**
 * Arrows point one way (docs/decisions/import-boundaries.md). From the top:
 *   cli      the `csdl-gateway` commands: a leaf, nothing imports it;
 *   app      the gateway's start steps, imported only by cli;
 *   compose  where objects are wired from configuration, imported only by cli and app;
 *   simulator the national side's stand-in, imported only by what wires it (cli, app, compose);
 *   the capabilities (src/<folder>) import each other without cycles, and none of the above.
 * A file matching `target` may not import from `from`.
 */
const everywhereBut = (...allowed) => [`./src/!(${allowed.join('|')})/**`, './src/*.ts'];
export const boundaryZones = [
  { target: everywhereBut('cli'), from: './src/cli', message: 'cli is a leaf: nothing imports a command.' },
  { target: everywhereBut('cli', 'app'), from: './src/app', message: 'app (the start steps) is imported only by cli.' },
  { target: everywhereBut('cli', 'app', 'compose'), from: './src/compose', message: 'compose wires capabilities; a capability never imports it.' },
  { target: everywhereBut('cli', 'app', 'compose', 'simulator'), from: './src/simulator', message: 'the simulator is wired in by cli, app or compose; a capability never imports it.' },
  { target: './src/db/**', from: './src/!(db)/**', message: 'db is the lowest layer: it imports no capability.' },
  { target: './src/tokens/**', from: './src/http/**', message: 'http checks tokens; tokens do not import http.' },
  // A zone sees `import type` too, which import-x/no-cycle leaves alone (docs/decisions/import-boundaries.md).
  { target: './src/mapping/**', from: './src/source/**', message: 'source reads what the mapping declares; the mapping (a pure core) imports nothing of the reading.' },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'certs/**', 'coverage/**', 'bench/out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.json' })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { zones: boundaryZones }],
    },
  },
);
