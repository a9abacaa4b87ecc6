// Lint is part of `npm test`. The module-boundary rule is what keeps the pure libs pure:
// a `type:domain` lib (pipeline model, expressions, engine state machine, canary statistics,
// deploy strategies) may not import frameworks, drivers or cloud SDKs.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const IO_PACKAGES = [
  '@nestjs/*', 'typeorm', 'bullmq', 'ioredis', 'pg', '@aws-sdk/*', '@smithy/*',
  'react', 'react-dom', 'express', 'undici', 'node:child_process', 'child_process',
  'node:http', 'http', 'node:https', 'https', 'node:net', 'net', 'node:fs', 'fs', 'node:fs/promises', 'fs/promises',
];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/node_modules', '**/.nx', '**/tmp', '**/vite.config.*.timestamp*', 'apps/web/dist', 'docs/**', '**/*.d.ts'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          banTransitiveDependencies: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'], bannedExternalImports: IO_PACKAGES },
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain', 'type:util'], bannedExternalImports: IO_PACKAGES },
            { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:domain', 'type:util', 'type:data-access', 'type:testkit'] },
            { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:domain', 'type:util', 'type:data-access', 'type:feature', 'type:testkit'] },
            { sourceTag: 'type:testkit', onlyDependOnLibsWithTags: ['type:domain', 'type:util', 'type:data-access', 'type:feature', 'type:client', 'type:testkit'] },
            { sourceTag: 'type:client', onlyDependOnLibsWithTags: ['type:util', 'type:client'] },
            { sourceTag: 'type:ui', onlyDependOnLibsWithTags: ['type:client', 'type:util', 'type:domain'], bannedExternalImports: ['@nestjs/*', 'typeorm', 'bullmq', 'ioredis', 'pg', '@aws-sdk/*'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:util', 'type:data-access', 'type:feature', 'type:client', 'type:testkit'] },
          ],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Type-aware rules: an un-awaited promise in an engine handler is a lost message.
    files: ['libs/**/*.ts', 'apps/**/*.ts', 'apps/**/*.tsx', 'tools/**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.ts', '*.mjs'] }, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
    },
  },
  {
    // Node's I/O modules are not npm packages, so the boundary rule cannot ban them: do it here.
    files: ['libs/{pipeline,expressions,engine,canary,cloud,common}/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.int-spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'fs/*', 'http', 'https', 'net', 'child_process', 'dgram', 'dns', 'tls', 'worker_threads', 'cluster'], message: 'domain libs do no I/O: put it in an adapter behind a port' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e.ts', 'tools/**/*.ts', 'libs/testkit/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
];
