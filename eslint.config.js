// Flat config: typescript-eslint's recommended rules, plus the layering rules: the core is pure, and
// every layer imports only the layers below it (docs/architecture.md has the map).
import js from '@eslint/js';
import { dirname, relative, resolve } from 'node:path';
import tseslint from 'typescript-eslint';

/** Which layers each layer may import (relative imports only; packages are checked separately). */
const LAYERS = {
  'lambda/core': ['lambda/core'],
  'lambda/shared': ['lambda/core', 'lambda/shared'],
  'lambda/aws': ['lambda/core', 'lambda/shared', 'lambda/aws'],
  'lambda/sim': ['lambda/core', 'lambda/shared', 'lambda/sim'],
  'lambda/report': ['lambda/core', 'lambda/shared', 'lambda/report'],
  'lambda/probe': ['lambda/core', 'lambda/shared', 'lambda/probe'],
  'lambda/handlers': ['lambda/core', 'lambda/shared', 'lambda/aws', 'lambda/handlers'],
  'lambda/cli': ['lambda/core', 'lambda/shared', 'lambda/aws', 'lambda/sim', 'lambda/report', 'lambda/handlers', 'lambda/cli'],
  lib: ['lambda/core', 'lambda/shared', 'lib'],
};
const ROOT = import.meta.dirname;
const layerOf = (file) => {
  const rel = relative(ROOT, file).split('\\').join('/');
  return Object.keys(LAYERS).find((layer) => rel === layer || rel.startsWith(`${layer}/`));
};

/** `layers/imports`: a relative import that runs up or across the layers is an error. */
const layersPlugin = {
  rules: {
    imports: {
      meta: { type: 'problem', schema: [] },
      create(context) {
        const from = layerOf(context.filename);
        if (from === undefined) return {};
        const check = (node) => {
          const spec = node.source?.value;
          if (typeof spec !== 'string' || !spec.startsWith('.')) return;
          const to = layerOf(resolve(dirname(context.filename), spec));
          if (to !== undefined && !LAYERS[from].includes(to)) {
            context.report({ node: node.source, message: `${from} may not import ${to} (allowed: ${LAYERS[from].join(', ')})` });
          }
        };
        return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
      },
    },
  },
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdk.out/**', 'dist/**', 'reports/**', 'coverage/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['lambda/**/*.ts', 'lib/**/*.ts'],
    plugins: { layers: layersPlugin },
    rules: { 'layers/imports': 'error' },
  },
  {
    files: ['lambda/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['@aws-sdk/*', 'aws-cdk-lib', 'aws-cdk-lib/*', 'node:*', 'fs', 'process'], message: 'lambda/core is pure: no AWS SDK, CDK or Node I/O.' },
        ],
      }],
      'no-restricted-globals': ['error', { name: 'process', message: 'lambda/core reads no environment; pass values as arguments.' }],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'lambda/core never reads the clock; pass now as an argument.' }],
    },
  },
);
