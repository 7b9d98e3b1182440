// The kit in a user's hands, from the packed package and outside this repository: `npx genkitx-temporal init`
// into an empty folder, a flow of the user's own, then what the scaffolded READMEs and package scripts say a user
// runs — the worker (`npm install`, `npm run build`, `npm run manifest`, `npm start`) and the API (`npm install`,
// `npm run build`, `npm start`) against this run's dev server — and Genkit's own client (`runFlow`) gets the
// flow's result through the API. The scaffolded infra/ passes `terraform fmt -check` and the schema check; the
// scaffolded functions/, uploaded alone as `firebase deploy` does, installs small, loads and declares its secrets.
//
// One substitution, made by this test and never by the kit: genkitx-temporal is not on the npm registry the tests
// use (a 404), so each scaffolded package.json's `genkitx-temporal` dependency (`^<version>`, as the scaffolder
// wrote it and checked below) is rewritten to the packed tarball before `npm install`.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { runFlow } from 'genkit/beta/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quietEnv, resolveTerraform } from '../../scripts/terraform.mjs';
import { listTemplateFiles } from '../../src/scaffold/template-files';
import { checkTerraformTree, formatFinding, loadGoogleSchema } from '../infra/schema-check';
import { describeWithTool } from '../helpers/tools';
import { address, namespace, uniqueTaskQueue, waitFor } from '../helpers/temporal';
import { expectDeployable } from './functions-checks';
import { deployShapedFunctions, type DeployShaped } from './functions-upload';
import { packedTarball } from './harness';

const repo = resolve(__dirname, '../..');
const version: string = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).version;
const project = mkdtempSync(join(tmpdir(), 'scaffolded-'));
const worker = join(project, 'cloudrun/worker');
const api = join(project, 'cloudrun/api');
const taskQueue = uniqueTaskQueue('scaffolded');
const token = `token-${randomUUID()}`;
const timings: Record<string, number> = {};
const processes: { name: string; child: ChildProcess; output: () => string }[] = [];
let tarball: string;
let initOutput = '';
let apiBase = '';
let functions: DeployShaped;
/** The functions' deploy-shaped install, started once their flows.json exists, beside the worker and API tests. */
let functionsDeployed: Promise<DeployShaped>;

const execAsync = promisify(execFile);

/** npm (or another command) in a folder of the project, with npm's settings from this environment and no others. */
async function sh(label: string, command: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  const started = Date.now();
  try {
    const { stdout } = await execAsync(command, args, {
      cwd,
      env: { ...npmEnv(), PATH: process.env.PATH!, HOME: process.env.HOME!, ...env },
      timeout: 600_000,
      maxBuffer: 64 * 2 ** 20,
    });
    return stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    throw new Error(`${label} failed:\n${e.stdout ?? ''}${e.stderr ?? String(err)}`);
  } finally {
    timings[label] = Date.now() - started;
  }
}

function npmEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter((e): e is [string, string] => /^npm_config_/i.test(e[0]) && !!e[1]),
  );
}

const NPM = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];

/** The test's one rewrite (see the file comment), after checking what the scaffolder wrote. */
function useTarball(dir: string) {
  const file = join(dir, 'package.json');
  const pkg = JSON.parse(readFileSync(file, 'utf8'));
  expect(pkg.dependencies['genkitx-temporal'], file).toBe(`^${version}`);
  pkg.dependencies['genkitx-temporal'] = `file:${tarball}`;
  writeFileSync(file, JSON.stringify(pkg, null, 2));
}

/** `npm start` in `cwd` as its own process group (npm → sh → node), stopped by group in afterAll. */
function npmStart(name: string, cwd: string, env: Record<string, string>) {
  const child = spawn('npm', ['start', '--silent'], {
    cwd,
    detached: true,
    env: { PATH: process.env.PATH!, HOME: process.env.HOME!, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const started = { name, child, output: () => output };
  processes.push(started);
  return started;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

/** The user's flow, in place of the example the scaffolder wrote to src/flows.ts. */
const USER_FLOWS = `import { genkit, z } from 'genkit';
import { defineTemporalFlow, step, temporal } from 'genkitx-temporal';
import { greetingFor } from './greeting';

const ai = genkit({ plugins: [temporal()] });

export const greetFlow = defineTemporalFlow(
  ai,
  {
    name: 'greetFlow',
    inputSchema: z.object({ name: z.string(), times: z.number().int().min(1).max(3) }),
    outputSchema: z.object({ greeting: z.string() }),
    temporal: { retry: { maximumAttempts: 2 } },
  },
  async ({ name, times }) => ({ greeting: await step('greet', async () => greetingFor(name).repeat(times)) }),
);
`;

beforeAll(async () => {
  tarball = await packedTarball();
  // What a user types in an empty folder: the package's bin, from the package (here its tarball).
  initOutput = await sh(
    'npx init',
    'npm',
    ['exec', '--yes', `--package=${tarball}`, '--', 'genkitx-temporal', 'init', '--flows', 'src/flows.ts'],
    project,
  );
  // The user's flows module, importing a module of its own (bundled into the worker with it).
  writeFileSync(join(project, 'src/flows.ts'), USER_FLOWS);
  writeFileSync(join(project, 'src/greeting.ts'), 'export const greetingFor = (name: string) => `hello ${name}! `;\n');
  for (const dir of [worker, api]) useTarball(dir); // functions/: by the upload helper, on its copy
  await Promise.all([
    sh('worker npm install', 'npm', ['install', ...NPM], worker),
    sh('api npm install', 'npm', ['install', ...NPM], api),
  ]);
  await Promise.all([
    sh('worker npm run build', 'npm', ['run', 'build', '--silent'], worker).then(async () => {
      await sh('worker npm run manifest', 'npm', ['run', 'manifest', '--silent'], worker);
      functionsDeployed = deployShapedFunctions(join(project, 'functions'), tarball, 'scaffolded');
      functionsDeployed.catch(() => undefined); // awaited (and reported) by its describe below
    }),
    sh('api npm run build', 'npm', ['run', 'build', '--silent'], api),
  ]);
}, 900_000);

afterAll(async () => {
  for (const p of processes) {
    if (p.child.exitCode === null && p.child.pid) {
      try {
        process.kill(-p.child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  console.log(`[scaffold] timings (ms): ${JSON.stringify(timings)}`);
  await rm(project, { recursive: true, force: true });
}, 120_000);

describe('npx genkitx-temporal init, from the packed package into an empty folder', () => {
  it('writes the templates the package ships: functions/, cloudrun/worker/, cloudrun/api/, infra/', async () => {
    expect(initOutput).toContain('genkitx-temporal init:');
    const shipped = (await execAsync('tar', ['-tzf', tarball], { maxBuffer: 16 * 2 ** 20 })).stdout
      .split('\n')
      .map((l) => l.replace(/^package\//, ''))
      .filter((l) => /^(functions|cloudrun|infra)\//.test(l))
      .sort();
    // The package ships exactly the scaffolder's template files (one list), and nothing of the repository's tests.
    expect(shipped).toEqual(listTemplateFiles(repo));
    for (const file of [...shipped.filter((f) => f !== 'cloudrun/worker/src/flows.ts'), 'functions/.gitignore']) {
      expect(existsSync(join(project, file)), file).toBe(true);
    }
    expect(existsSync(join(project, 'firebase.json'))).toBe(true);
  });

  it("the worker's build bundled the user's flows module; its manifest reached the API and the functions", () => {
    const manifest = JSON.parse(readFileSync(join(api, 'flows.json'), 'utf8'));
    expect(manifest.flows.map((f: { name: string }) => f.name)).toEqual(['greetFlow']);
    expect(manifest.flows[0].temporal).toEqual({ retry: { maximumAttempts: 2 } });
    expect(readFileSync(join(project, 'functions/flows.json'), 'utf8')).toBe(
      readFileSync(join(api, 'flows.json'), 'utf8'),
    );
    expect(readFileSync(join(worker, 'dist/flows.js'), 'utf8')).toContain('hello ${name}! '); // src/greeting.ts, bundled
  });

  it("runs the user's flow: worker and API as the package scripts start them, Genkit's runFlow gets the result", async () => {
    const temporal = { TEMPORAL_ADDRESS: address(), TEMPORAL_NAMESPACE: namespace(), TEMPORAL_TASK_QUEUE: taskQueue };
    const port = await freePort();
    apiBase = `http://127.0.0.1:${port}`;
    const started = Date.now();
    const w = npmStart('worker', worker, {
      ...temporal,
      FLOWS_MODULE: 'dist/flows.js',
      WORKFLOW_BUNDLE_PATH: 'dist/workflow-bundle.js',
    });
    const a = npmStart('api', api, {
      ...temporal,
      FLOWS_MODULE: 'dist/flows.js',
      API_AUTH: 'bearer',
      API_BEARER_TOKEN: token,
      PORT: String(port),
    });
    for (const [p, line] of [
      [w, '"message":"worker polling"'],
      [a, '"message":"api listening"'],
    ] as const) {
      await waitFor(
        () => {
          if (p.child.exitCode !== null) throw new Error(`${p.name} exited:\n${p.output()}`);
          return p.output().includes(line);
        },
        90_000,
        `${p.name}: ${line}`,
      );
    }
    timings.startToServing = Date.now() - started;
    const headers = { Authorization: `Bearer ${token}` };
    const result = await runFlow({
      url: `${apiBase}/flows/greetFlow?wait=true`,
      input: { name: 'Ada', times: 2 },
      headers,
    });
    expect(result).toEqual({ greeting: 'hello Ada! hello Ada! ' });
    // The manifest's input schema is checked at the API: nothing starts.
    await expect(
      runFlow({ url: `${apiBase}/flows/greetFlow?wait=true`, input: { name: 'Ada', times: 9 }, headers }),
    ).rejects.toThrow(/400.*INVALID_ARGUMENT.*times/);
  }, 180_000);
});

const terraform = resolveTerraform();
describeWithTool('Terraform', terraform ? undefined : 'no terraform or tofu CLI found')(
  'the scaffolded infra/ (terraform fmt, the provider schema)',
  () => {
    it('is formatted: terraform fmt -check -recursive', async () => {
      const r = await execAsync(terraform!, ['fmt', '-check', '-recursive', '-no-color', 'infra'], {
        cwd: project,
        env: quietEnv(),
      }).catch((e: { code: number; stdout: string; stderr: string }) => e);
      expect(`${r.stdout}${r.stderr}`.trim(), 'files terraform fmt would change').toBe('');
    });

    it('passes the schema check against the vendored hashicorp/google schema', async () => {
      const google = await loadGoogleSchema(join(repo, 'test/fixtures/terraform/google-provider-7.45.0-schema.json'));
      const findings = await checkTerraformTree(join(project, 'infra'), google);
      expect(findings.map(formatFinding)).toEqual([]);
    });
  },
);

describe('the scaffolded functions/, uploaded alone as firebase deploy does', () => {
  beforeAll(async () => {
    functions = await functionsDeployed;
    Object.assign(
      timings,
      Object.fromEntries(Object.entries(functions.timings).map(([k, v]) => [`functions ${k}`, v])),
    );
  }, 900_000);

  expectDeployable(() => functions);

  it('depends on genkitx-temporal ^<this version>, as the scaffolder wrote it', () => {
    expect(functions.declaredSpec).toBe(`^${version}`);
  });

  it("exports the user's flow's callable, the runs callable and the API", () => {
    expect(functions.exports!.sort()).toEqual(['api', 'flowRuns', 'greetFlow']);
  });
});
