// ESLint (flat config). Guards what the type checker can't: workflow sandbox purity, floating promises,
// and imports of Temporal internals (`@temporalio/*/lib/*` changes without notice between SDK releases).
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const temporalInternals = {
  group: ['@temporalio/*/lib/*', '@temporalio/*/lib'],
  message: "Temporal's lib/ folders are internal: import from the package root.",
};

export default tseslint.config(
  // The deploy adapters (functions/, cloudrun/) are workspaces with their own tsconfig; they are linted there.
  {
    ignores: ['dist/**', '**/node_modules/**', 'functions/**', 'cloudrun/**', 'infra/**', 'coverage/**'],
  },
  // Deliberate violations, linted by test/package/lint.test.ts to prove the rules fire.
  { ignores: ['test/fixtures/lint/**'] },
  {
    files: ['src/**/*.ts', 'src/**/*.tsx', 'test/**/*.ts', 'examples/**/*.ts', 'bench/**/*.ts'],
    extends: [tseslint.configs.base],
    languageOptions: {
      parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      'no-restricted-imports': ['error', { patterns: [temporalInternals] }],
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node built-ins (I/O, clocks, randomness),
    // and no genkit (it pulls in Node APIs and non-deterministic state).
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: builtinModules.flatMap((name) => [
            { name, message: 'Node built-ins are not allowed in workflow code (Temporal sandbox).' },
            { name: `node:${name}`, message: 'Node built-ins are not allowed in workflow code (Temporal sandbox).' },
          ]),
          patterns: [
            temporalInternals,
            { group: ['genkit', 'genkit/*', '@genkit-ai/*'], message: 'genkit must not be imported by workflow code.' },
            {
              group: ['../*', '!../defaults', '!../types', '!../retry-math'],
              message:
                'Workflow code may import only the sandbox-safe ../defaults, ../types and ../retry-math from outside src/workflows.',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
);
