// ESLint (flat config). Guards what the type checker can't: workflow sandbox purity, floating promises,
// and imports of Temporal internals (`@temporalio/*/lib/*` changes without notice between SDK releases).
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const temporalInternals = {
  group: ['@temporalio/*/lib/*', '@temporalio/*/lib'],
  message: "Temporal's lib/ folders are internal: import from the package root.",
};

// What the workflow sandbox cannot load: Node built-ins (I/O, clocks, randomness) and genkit (Node APIs and
// non-deterministic state). Workflow code and src/common/, which workflow code includes, import neither.
const nodeBuiltins = (where) =>
  builtinModules.flatMap((name) => [
    { name, message: `Node built-ins are not allowed in ${where} (Temporal sandbox).` },
    { name: `node:${name}`, message: `Node built-ins are not allowed in ${where} (Temporal sandbox).` },
  ]);
const genkit = (where) => ({
  group: ['genkit', 'genkit/*', '@genkit-ai/*'],
  message: `genkit must not be imported by ${where}.`,
});

export default tseslint.config(
  {
    ignores: ['dist/**', 'cloudrun/*/dist/**', '**/node_modules/**', 'infra/**', 'coverage/**'],
  },
  // Deliberate violations, linted by test/package/lint.test.ts to prove the rules fire.
  { ignores: ['test/fixtures/lint/**'] },
  {
    files: [
      'src/**/*.ts',
      'src/**/*.tsx',
      'test/**/*.ts',
      'examples/**/*.ts',
      'bench/**/*.ts',
      // The deploy kit's templates: each under the program of its own tsconfig (the one `npm run typecheck` checks),
      // which sees the library as a user's project does, through its package exports.
      'cloudrun/**/*.ts',
      'functions/**/*.js',
    ],
    extends: [tseslint.configs.base],
    languageOptions: {
      parserOptions: {
        // The first program holding a file lints it: the templates' own before the root's (whose tests import
        // some template files).
        project: [
          './cloudrun/worker/tsconfig.json',
          './cloudrun/api/tsconfig.json',
          './tsconfig.functions.json',
          './tsconfig.json',
        ],
        tsconfigRootDir: import.meta.dirname,
      },
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
          paths: nodeBuiltins('workflow code'),
          patterns: [
            temporalInternals,
            genkit('workflow code'),
            {
              group: ['../*', '!../common', '../common/*/**'],
              message: 'Workflow code may import only the sandbox-safe src/common/ from outside src/workflows.',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  // The layers (docs/architecture.md): common/ imports nothing of ours, and, as workflow code includes it, neither
  // genkit nor Node built-ins; client/ (the light caller entry) never imports the worker or an adapter. Types of our
  // own code may cross, values may not.
  layerRule(
    'src/common/**/*.ts',
    ['../*', '!../common', '../../*'],
    'src/common/ is the bottom layer: it imports nothing of this package.',
    { paths: nodeBuiltins('src/common/'), patterns: [genkit('src/common/ (workflow code includes it)')] },
  ),
  layerRule(
    'src/client/**/*.ts',
    siblingFolders('worker', 'http', 'firebase', 'autoscale', 'testing'),
    'src/client/ is loaded by thin callers: it must not import the worker or an adapter.',
  ),
  // Below client/: the codec, identity and telemetry building blocks that client/ and the worker both use.
  layerRule(
    'src/{codec,identity,telemetry}/**/*.ts',
    siblingFolders('client', 'worker', 'http', 'firebase', 'autoscale', 'testing', 'workflows'),
    'src/codec, src/identity and src/telemetry sit below src/client/: they import only src/common/ and each other.',
  ),
  // One test harness (test/harness/): tests, bench/ and the demo share it. bench/ imports nothing else of test/,
  // tests import nothing from bench/, and the harness runs outside vitest (bench, the demo's workers).
  importRule(
    ['test/**/*.ts'],
    ['**/bench', '**/bench/*'],
    'Tests import nothing from bench/: what both need lives in test/harness/.',
  ),
  importRule(
    ['bench/**/*.ts'],
    ['../test/*', '!../test/harness'],
    'bench/ imports only the test harness (test/harness/) from test/, never a spec, helper or fixture.',
  ),
  importRule(
    ['test/harness/**/*.ts'],
    [
      'vitest',
      '../helpers',
      '../helpers/*',
      '../fixtures',
      '../fixtures/*',
      '../integration/*',
      '../unit/*',
      '**/bench',
      '**/bench/*',
    ],
    'test/harness/ runs outside vitest (bench, the demo): it imports no vitest, helper, fixture or spec.',
  ),
);

function importRule(files, group, message) {
  return {
    files,
    rules: { 'no-restricted-imports': ['error', { patterns: [temporalInternals, { group, message }] }] },
  };
}

function layerRule(files, group, message, also = { paths: [], patterns: [] }) {
  return {
    files: [files],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: also.paths,
          patterns: [temporalInternals, { group, message, allowTypeImports: true }, ...also.patterns],
        },
      ],
    },
  };
}

/** Import patterns for the sibling folders of src/ named (the folder's index and anything in it). */
function siblingFolders(...names) {
  return names.flatMap((name) => [`../${name}`, `../${name}/*`]);
}
