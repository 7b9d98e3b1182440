// The worker's rollout build (cloudrun/worker/cloudbuild.yaml), offline: it parses into Cloud Build's shape, its
// steps come in the rollout's order with nothing allowed to fail past, names agree from step to step, and each
// command is given to the real parser of the program it runs: the package's own CLI (its bin, from this source
// tree) and gcloud (which, without an account, stops after parsing its arguments).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKER_ENV } from '../../src/common/env-contract';
import { runCommand } from '../helpers/run-command';
import { describeWithTool } from '../helpers/tools';

const root = join(__dirname, '..', '..');
const configPath = join(root, 'cloudrun', 'worker', 'cloudbuild.yaml');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const cliSource = join(root, 'src', 'scaffold', 'cli.ts');
/** What the build's built-in substitutions stand for in these tests. */
const BUILT_INS: Record<string, string> = { PROJECT_ID: 'demo-project', SHORT_SHA: 'abc1234' };
/** The agreed command line of set-current-version, for as long as this package's CLI does not have it yet. */
const SET_CURRENT_VERSION_FLAGS = ['--deployment', '--build-id', '--wait-for-pollers'];

type Step = {
  id: string;
  name: string;
  entrypoint?: string;
  args?: string[];
  env?: string[];
  secretEnv?: string[];
  waitFor?: string[];
  allowFailure?: boolean;
  allowExitCodes?: number[];
};
type Build = {
  substitutions: Record<string, string>;
  options?: Record<string, unknown>;
  availableSecrets?: { secretManager: { versionName: string; env: string }[] };
  steps: Step[];
};

let build: Build;
let text: string;

beforeAll(async () => {
  text = await readFile(configPath, 'utf8');
  build = parse(text) as Build;
});

/** `${NAME}` replaced by the build's own defaults and the built-ins above, as Cloud Build would. */
function expand(value: string): string {
  const once = value.replace(/\$\{(\w+)\}/g, (_, name: string) => {
    const v = build.substitutions[name] ?? BUILT_INS[name];
    if (v === undefined) throw new Error(`no value for \${${name}}`);
    return v;
  });
  return once === value ? once : expand(once);
}

function step(id: string): Step {
  const found = build.steps.find((s) => s.id === id);
  if (!found) throw new Error(`no step "${id}"`);
  return found;
}

function argsOf(id: string): string[] {
  return (step(id).args ?? []).map(expand);
}

/** The value after `flag` in a step's arguments. */
function flag(id: string, name: string): string | undefined {
  const args = argsOf(id);
  const at = args.indexOf(name);
  return at < 0 ? undefined : args[at + 1];
}

/** This package's CLI, run from source exactly as its bin dispatches. */
function cli(args: string[]) {
  return runCommand(tsx, [cliSource, ...args], { cwd: root, timeout: 60_000 });
}

const image = () => expand('${_REGION}-docker.pkg.dev/${PROJECT_ID}/${_REPOSITORY}/${_WORKER_IMAGE_NAME}:${_TAG}');

describe('cloudrun/worker/cloudbuild.yaml', () => {
  it('runs the rollout in order, one step after another, and no step may fail without stopping it', () => {
    expect(build.steps.map((s) => s.id)).toEqual(['build', 'push', 'check-upgrade', 'deploy', 'set-current-version']);
    for (const s of build.steps) {
      expect(s.waitFor, `${s.id}: waitFor would let it run beside the check`).toBeUndefined();
      expect(s.allowFailure, s.id).toBeUndefined();
      expect(s.allowExitCodes, s.id).toBeUndefined();
    }
  });

  it('declares every substitution it uses and uses every one it declares (Cloud Build refuses either)', () => {
    const used = new Set([...text.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]!));
    const declared = Object.keys(build.substitutions);
    for (const name of declared) expect(used, `${name} is declared but not used`).toContain(name);
    for (const name of used) expect([...declared, ...Object.keys(BUILT_INS)], `${name} has no value`).toContain(name);
    for (const name of declared) expect(name).toMatch(/^_[A-Z0-9_]+$/);
    // _TAG defaults to a built-in, which Cloud Build expands only with dynamic substitutions.
    expect(build.options?.dynamicSubstitutions).toBe(true);
  });

  it('builds the worker Dockerfile from the project root, and every later step uses exactly that image', () => {
    expect(step('build').name).toBe('gcr.io/cloud-builders/docker');
    const args = argsOf('build');
    expect(args[0]).toBe('build');
    expect(existsSync(join(root, args[args.indexOf('-f') + 1]!))).toBe(true);
    expect(args[args.indexOf('-t') + 1]).toBe(image());
    expect(args.at(-1)).toBe('.');
    expect(argsOf('push')).toEqual(['push', image()]);
    expect(expand(step('check-upgrade').name)).toBe(image());
    expect(expand(step('set-current-version').name)).toBe(image());
    expect(flag('deploy', '--image')).toBe(image());
  });

  it("runs the package's own bin in the image, against the flows module the image holds", async () => {
    const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    const [bin] = Object.keys(pkg.bin);
    const dockerfile = await readFile(join(root, 'cloudrun', 'worker', 'Dockerfile'), 'utf8');
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    const workdir = /^WORKDIR (\S+)$/m.exec(runtime)?.[1];
    const flowsModule = /\bFLOWS_MODULE=(\S+)/.exec(runtime)?.[1];
    expect(workdir).toBe('/app');
    for (const id of ['check-upgrade', 'set-current-version']) {
      expect(step(id).entrypoint, id).toBe(`${workdir}/node_modules/.bin/${bin}`);
    }
    expect(flag('check-upgrade', '--flows')).toBe(flowsModule);
    // The check reads encrypted journals and inputs: the workers' keys, as the workers get them (the env contract).
    expect(step('check-upgrade').secretEnv).toEqual(['TEMPORAL_API_KEY', 'GENKITX_ENCRYPTION_KEYS']);
    for (const name of step('check-upgrade').secretEnv!) expect(WORKER_ENV.secrets).toContain(name);
    expect(step('set-current-version').secretEnv).toEqual(['TEMPORAL_API_KEY']);
    expect(build.availableSecrets?.secretManager.map((s) => s.env)).toEqual([
      'TEMPORAL_API_KEY',
      'GENKITX_ENCRYPTION_KEYS',
    ]);
  });

  it('names the new revision after the tag, moves no instances, and makes that revision the current version', () => {
    const pool = expand('${_WORKER_POOL}');
    const tag = expand('${_TAG}');
    const revision = `${pool}-${tag}`;
    expect(argsOf('deploy').slice(0, 5)).toEqual(['beta', 'run', 'worker-pools', 'deploy', pool]);
    expect(flag('deploy', '--revision-suffix')).toBe(tag);
    // The split is the autoscaler's (it gives the new revision its first instance): no step writes it.
    expect(argsOf('deploy')).toContain('--no-promote');
    for (const s of build.steps) expect(s.args ?? [], s.id).not.toContain('update-instance-split');
    // The Build ID the new workers register with is their revision's name; the deployment is the pool.
    expect(flag('set-current-version', '--deployment')).toBe(pool);
    expect(flag('set-current-version', '--build-id')).toBe(revision);
    expect(flag('deploy', '--region')).toBe(expand('${_REGION}'));
  });
});

describe("the package's CLI accepts each step's command line", () => {
  it('check-upgrade: parsed by its real parser; a misspelled flag is refused', { timeout: 130_000 }, async () => {
    const ok = await cli([...argsOf('check-upgrade'), '--help']);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^Usage: genkitx-temporal check-upgrade /);
    const misspelled = argsOf('check-upgrade').map((a) => (a === '--namespace' ? '--namespcae' : a));
    const bad = await cli([...misspelled, '--help']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--namespcae');
  });

  it(
    'set-current-version: parsed by its real parser once the CLI has it; until then, the agreed flags',
    {
      timeout: 130_000,
    },
    async () => {
      const args = argsOf('set-current-version');
      const usage = await cli(['--help']);
      expect(usage.status).toBe(0);
      if (usage.stdout.includes('set-current-version')) {
        const ok = await cli([...args, '--help']);
        expect(ok.status, ok.stderr).toBe(0);
        expect(ok.stdout).toContain('set-current-version');
      } else {
        expect(args[0]).toBe('set-current-version');
        expect(args.filter((a) => a.startsWith('--'))).toEqual(SET_CURRENT_VERSION_FLAGS);
        expect(flag('set-current-version', '--wait-for-pollers')).toMatch(/^[1-9][0-9]*s$/);
      }
    },
  );
});

const gcloudOnPath = (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, 'gcloud')));

describeWithTool('gcloud', gcloudOnPath ? undefined : 'no gcloud on PATH')('gcloud accepts the deploy step', () => {
  let config: string;
  beforeAll(async () => {
    config = await mkdtemp(join(tmpdir(), 'gcloud-config-'));
  });
  afterAll(async () => {
    await rm(config, { recursive: true, force: true });
  });

  /** gcloud with an empty configuration: it parses the arguments, then stops for want of an account. */
  function gcloud(args: string[]) {
    return runCommand('gcloud', args, {
      cwd: root,
      timeout: 60_000,
      env: {
        ...process.env,
        CLOUDSDK_CONFIG: config,
        CLOUDSDK_CORE_DISABLE_PROMPTS: '1',
        CLOUDSDK_CORE_PROJECT: BUILT_INS.PROJECT_ID,
      },
    });
  }

  it('deploy: past the argument parser (exit 1 for the missing account, not 2)', { timeout: 130_000 }, async () => {
    expect(step('deploy').entrypoint).toBe('gcloud');
    const r = await gcloud(argsOf('deploy'));
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toContain('You do not currently have an active account selected');
  });

  it('refuses a misspelled flag with a usage error (exit 2)', { timeout: 130_000 }, async () => {
    const r = await gcloud(argsOf('deploy').map((a) => (a === '--revision-suffix' ? '--revision-sufix' : a)));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--revision-sufix');
  });
});
