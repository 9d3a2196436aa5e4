import nx from '@nx/eslint-plugin';

/**
 * Dependency direction (ARCHITECTURE.md): shared imports only shared; actors, connectors and
 * the hub import only shared (never each other); the dashboard imports only shared/contracts;
 * ops composes the roles. Tests may also use ops/dev's service launchers.
 */
const depConstraints = (extra = []) => [
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared', ...extra] },
  { sourceTag: 'scope:actors', onlyDependOnLibsWithTags: ['scope:shared', ...extra] },
  { sourceTag: 'scope:connectors', onlyDependOnLibsWithTags: ['scope:shared', ...extra] },
  { sourceTag: 'scope:hub', onlyDependOnLibsWithTags: ['scope:shared', ...extra] },
  { sourceTag: 'scope:dashboard', onlyDependOnLibsWithTags: ['type:contracts'] },
  { sourceTag: 'scope:widget', onlyDependOnLibsWithTags: ['type:contracts'] },
  { sourceTag: 'scope:ops', onlyDependOnLibsWithTags: ['scope:shared', 'scope:hub', 'scope:actors', 'scope:connectors', 'scope:ops'] },
];

export default [
  { ignores: ['**/node_modules/**', 'dist/**', '.data/**', '.nx/**', '.angular/**', 'coverage/**', '**/*.mjs', '**/*.cjs'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', { enforceBuildableLibDependency: false, allow: [], depConstraints: depConstraints() }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/ban-ts-comment': ['error', { 'ts-expect-error': 'allow-with-description' }],
      'no-console': 'error',
    },
  },
  {
    // The command-line launchers and the browser's bootstrap failure talk to a person directly.
    files: ['ops/**/*.ts', 'dashboard/src/main.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/test/**/*.ts', 'ops/dev/src/testing/**/*.ts', 'vitest.config.ts'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', { enforceBuildableLibDependency: false, allow: [], depConstraints: depConstraints(['scope:ops']) }],
    },
  },
];
