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

  it('flags Node built-ins, genkit and non-sandbox modules in workflow code, but allows type imports', async () => {
    const ids = await ruleIds(join(fixtures, 'workflows/impure.ts'), 'src/workflows/__lint_fixture__.ts', false);
    // node:fs, crypto, genkit, ../index; the type-only import of the activities is allowed.
    expect(ids).toEqual(Array(4).fill('@typescript-eslint/no-restricted-imports'));
  });
});
