// Flat config: typescript-eslint's recommended rules, plus the layering rule that keeps the core pure.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
