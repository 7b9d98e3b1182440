// The Terraform CLI's own offline checks of infra/: formatting, and `terraform test` in the provider-less modules
// (naming, sizing). The google provider cannot be installed here, so modules that use it are covered by the schema
// and policy tests instead. scripts/setup.mjs installs a CLI when none is found; without one these tests skip loudly (and fail with CI=true).
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { quietEnv, resolveTerraform } from '../../scripts/terraform.mjs';
import { runCommand } from '../helpers/run-command';
import { describeWithTool } from '../helpers/tools';

const root = join(__dirname, '..', '..');
const infra = join(root, 'infra');
const terraform: string | undefined = resolveTerraform();
const noTerraform = terraform ? undefined : 'no terraform or tofu CLI found and scripts/setup.mjs could not build one';

const scratch: string[] = [];
afterAll(async () => {
  await Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function run(args: string[], cwd: string, env: Record<string, string> = {}) {
  const r = await runCommand(terraform!, args, { cwd, env: quietEnv(env), timeout: 60_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** `terraform init` + `terraform test` with the working data outside the repository. */
async function terraformTest(moduleDir: string) {
  const dataDir = await mkdtemp(join(tmpdir(), 'tf-data-'));
  scratch.push(dataDir);
  const env = { TF_DATA_DIR: dataDir };
  const init = await run(['init', '-backend=false', '-input=false', '-no-color'], moduleDir, env);
  expect(init.status, init.out).toBe(0);
  return await run(['test', '-no-color'], moduleDir, env);
}

async function countRunBlocks(moduleDir: string): Promise<number> {
  const testsDir = join(moduleDir, 'tests');
  let count = 0;
  for (const file of (await readdir(testsDir)).filter((f) => f.endsWith('.tftest.hcl'))) {
    count += (await readFile(join(testsDir, file), 'utf8')).match(/^run "/gm)?.length ?? 0;
  }
  return count;
}

describeWithTool('Terraform', noTerraform)('terraform CLI checks of infra/', () => {
  it('infra/ is formatted (terraform fmt -check -recursive)', async () => {
    const fmt = await run(['fmt', '-check', '-recursive', '-no-color', 'infra'], root);
    expect(fmt.out.trim(), 'files terraform fmt would change').toBe('');
    expect(fmt.status).toBe(0);
  });

  it('the fmt check fails on a badly formatted file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tf-fmt-'));
    scratch.push(dir);
    await cp(join(infra, 'modules', 'naming'), dir, { recursive: true });
    const file = join(dir, 'variables.tf');
    await writeFile(file, (await readFile(file, 'utf8')).replace('  type        = string', 'type = string'));
    const fmt = await run(['fmt', '-check', '-recursive', '-no-color', '.'], dir);
    expect(fmt.status).toBe(3);
    expect(fmt.out).toContain('variables.tf');
  });

  for (const module of ['naming', 'sizing', 'run-container']) {
    // init + test, each allowed 60 s by run().
    it(`terraform test passes every run in modules/${module}`, { timeout: 130_000 }, async () => {
      const moduleDir = join(infra, 'modules', module);
      const expected = await countRunBlocks(moduleDir);
      expect(expected).toBeGreaterThan(3);
      const result = await terraformTest(moduleDir);
      expect(result.status, result.out).toBe(0);
      expect(result.out).toContain(`${expected} passed, 0 failed`);
    });
  }

  it('terraform test catches a broken naming rule', { timeout: 130_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tf-naming-'));
    scratch.push(dir);
    await cp(join(infra, 'modules', 'naming'), dir, { recursive: true });
    const main = join(dir, 'main.tf');
    // Forget to shorten service account IDs: long prefixes then exceed the 30-character limit.
    await writeFile(main, (await readFile(main, 'utf8')).replace('service_account = 30', 'service_account = 63'));
    const result = await terraformTest(dir);
    expect(result.status).not.toBe(0);
    expect(result.out).toContain('service account IDs must be 6-30 characters');
  });

  it('terraform test catches a dropped container rule', { timeout: 130_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tf-container-'));
    scratch.push(dir);
    await cp(join(infra, 'modules', 'run-container'), dir, { recursive: true });
    const variables = join(dir, 'variables.tf');
    // Let a secret-looking name through as a plain value: it would then sit in the template and the state.
    const before = await readFile(variables, 'utf8');
    const after = before.replace('!can(regex("(KEY|SECRET|TOKEN|PASSWORD)", upper(name)))', 'true');
    expect(after).not.toBe(before);
    await writeFile(variables, after);
    const result = await terraformTest(dir);
    expect(result.status).not.toBe(0);
    expect(result.out).toMatch(/run "a_secret_looking_plain_value_is_refused"\.\.\. fail/);
  });
});
