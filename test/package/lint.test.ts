// The lint rules exist and fire: each fixture under test/fixtures/lint breaks one rule on purpose.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '../..');
const fixtures = join(root, 'test/fixtures/lint');

async function ruleIds(file: string, asPath?: string, typed = true): Promise<string[]> {
  const eslint = new ESLint({
    cwd: root,
    ignore: false,
    // A small project for the fixtures keeps the type-aware rule fast; untyped runs skip type information.
    overrideConfig: typed
      ? { languageOptions: { parserOptions: { project: join(fixtures, 'tsconfig.json') } } }
      : {
          languageOptions: { parserOptions: { project: null } },
          rules: { '@typescript-eslint/no-floating-promises': 'off' },
        },
  });
  const [result] = asPath
    ? await eslint.lintText(readFileSync(file, 'utf8'), { filePath: join(root, asPath) })
    : await eslint.lintFiles([file]);
  return result.messages.map((m) => m.ruleId ?? m.message);
}

describe('eslint configuration', () => {
  it('flags a floating promise', async () => {
    expect(await ruleIds(join(fixtures, 'floating-promise.ts'))).toEqual(['@typescript-eslint/no-floating-promises']);
  }, 60_000);

  it('flags a deep import of a Temporal internal module', async () => {
    expect(await ruleIds(join(fixtures, 'deep-import.ts'), undefined, false)).toEqual(['no-restricted-imports']);
  });

  it('applies the same rules to the deploy kit templates (functions/, cloudrun/)', async () => {
    for (const asPath of [
      'cloudrun/api/src/__lint_fixture__.ts',
      'cloudrun/worker/src/__lint_fixture__.ts',
      'cloudrun/__lint_fixture__.ts',
      'functions/__lint_fixture__.js',
    ]) {
      expect(await ruleIds(join(fixtures, 'deep-import.ts'), asPath, false), asPath).toEqual(['no-restricted-imports']);
    }
  });

  it('flags Node built-ins, genkit and non-sandbox modules in workflow code, but allows type imports', async () => {
    const ids = await ruleIds(join(fixtures, 'workflows/impure.ts'), 'src/workflows/__lint_fixture__.ts', false);
    // node:fs, crypto, genkit, ../index, ../client/fingerprint; ../common and the type-only import are allowed.
    expect(ids).toEqual(Array(5).fill('@typescript-eslint/no-restricted-imports'));
  });

  it('keeps the layers: client/ imports no worker or adapter code; common/ imports nothing of ours, no genkit (not even its types) and no Node built-in', async () => {
    const client = await ruleIds(
      join(fixtures, 'layers/client-imports-worker.ts'),
      'src/client/__lint_fixture__.ts',
      false,
    );
    // ../worker/registry and ../http; the type import, ../common and ./connection are allowed.
    expect(client).toEqual(Array(2).fill('@typescript-eslint/no-restricted-imports'));
    const common = await ruleIds(
      join(fixtures, 'layers/common-imports-client.ts'),
      'src/common/__lint_fixture__.ts',
      false,
    );
    // ../client/connection, ../../src/worker/registry, genkit, @genkit-ai/core (a type import: genkit is barred
    // whole) and node:crypto; the type import of our own code, ./defaults and @temporalio/common are allowed.
    expect(common).toEqual(Array(5).fill('@typescript-eslint/no-restricted-imports'));
    const telemetry = await ruleIds(
      join(fixtures, 'layers/telemetry-imports-client.ts'),
      'src/telemetry/__lint_fixture__.ts',
      false,
    );
    // ../client/config and ../worker/registry; the type import, ../common and ./options are allowed.
    expect(telemetry).toEqual(Array(2).fill('@typescript-eslint/no-restricted-imports'));
  });

  it('keeps one test harness: bench/ imports only test/harness/, tests nothing of bench/, the harness no vitest', async () => {
    const lint = (fixture: string, asPath: string) => ruleIds(join(fixtures, 'harness', fixture), asPath, false);
    // The helper and the fixture; ../test/harness/ledger is allowed.
    expect(await lint('bench-imports-test.ts', 'bench/__lint_fixture__.ts')).toEqual(
      Array(2).fill('no-restricted-imports'),
    );
    // ../../bench/failover; ../harness/chaos is allowed.
    expect(await lint('test-imports-bench.ts', 'test/integration/__lint_fixture__.ts')).toEqual([
      'no-restricted-imports',
    ]);
    // vitest, ../helpers/temporal and ../../bench/failover; ./ledger and ../../src are allowed.
    expect(await lint('harness-imports-vitest.ts', 'test/harness/__lint_fixture__.ts')).toEqual(
      Array(3).fill('no-restricted-imports'),
    );
  });
});
