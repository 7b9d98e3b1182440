// P4: worker cold start, spawn → polling, of the Cloud Run worker entry (cloudrun/worker, compiled as its image
// build does) with the prebuilt workflow bundle vs bundling at start (no WORKFLOW_BUNDLE_PATH), alternating.
// A preload (cold-start-probe.cjs) splits each start into Node's boot, imports (time inside require) and our own
// start-up (the rest). The import floor — `genkit` + `@temporalio/worker` required in a fresh process — shows how
// much of the import share is the library's own and could still be cut; a hand-written Temporal worker started
// the same way with the same bundle (cold-start-floor.cjs) shows how much of our own start-up is Temporal's.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { timeRequire } from './cold-import';

const root = resolve(__dirname, '..');

export interface ColdStartSample {
  /** Parent's view: spawn → the "worker polling" line. */
  spawnToPollingMs: number;
  bootMs: number;
  importMs: number;
  /** Everything after boot that is not an import: our own start-up. */
  ownMs: number;
}

export interface ColdStartResult {
  runsPerSide: number;
  prebuilt: ColdStartSample;
  runtimeBundling: ColdStartSample;
  /** A hand-written Temporal worker with the same prebuilt bundle (bench/cold-start-floor.cjs): Temporal's share. */
  temporalFloor: ColdStartSample;
  /** The same hand-written worker that also requires `genkit` first (FLOOR_GENKIT=1). */
  temporalGenkitFloor: ColdStartSample;
  /** Median spawn → polling, ours (prebuilt) / the hand-written worker with Genkit's import. */
  floorRatio: number;
  /** The same against the hand-written worker without Genkit. */
  floorRatioWithoutGenkit: number;
  /** The per-start ratios, ours / the hand-written worker with Genkit started right after it (pairs of one round). */
  pairedFloorRatios: number[];
  /** Median spawn → polling, prebuilt / runtime bundling. */
  ratio: number;
  /** Median ms to require `genkit` and `@temporalio/worker` (the floor) and `genkitx-temporal`, fresh processes. */
  importFloorMs: number;
  libraryImportMs: number;
  compileCache: string;
}

/** Compiles the worker entry and its example flows the way the image's build stage does, and prebuilds the bundle. */
function buildWorkerApp(dir: string): void {
  if (!existsSync(join(root, 'dist/index.js'))) throw new Error('bench/cold-start: run `npm run build` first');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  execFileSync(process.execPath, [
    tsc,
    '-p',
    join(root, 'cloudrun/worker/tsconfig.json'),
    '--outDir',
    join(dir, 'dist'),
  ]);
  copyFileSync(join(root, 'cloudrun/worker/package.json'), join(dir, 'package.json'));
  execFileSync(process.execPath, ['dist/build-bundle.js', 'dist/workflow-bundle.js'], { cwd: dir, stdio: 'ignore' });
}

type Side = 'prebuilt' | 'runtime' | 'floor' | 'floorGenkit';

function startOnce(dir: string, address: string, side: Side): Promise<ColdStartSample> {
  const prebuilt = side !== 'runtime';
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: address,
    TEMPORAL_TASK_QUEUE: `bench-cold-${Date.now().toString(36)}`,
    FLOWS_MODULE: join(dir, 'dist/flows.js'),
    NODE_ENV: 'production',
  };
  delete env.PORT;
  if (side === 'floorGenkit') env.FLOOR_GENKIT = '1';
  else delete env.FLOOR_GENKIT;
  if (prebuilt) env.WORKFLOW_BUNDLE_PATH = join(dir, 'dist/workflow-bundle.js');
  else delete env.WORKFLOW_BUNDLE_PATH;
  const started = performance.now();
  const entry = side === 'floor' || side === 'floorGenkit' ? join(__dirname, 'cold-start-floor.cjs') : 'dist/main.js';
  const child = spawn(process.execPath, ['--require', join(__dirname, 'cold-start-probe.cjs'), entry], {
    cwd: dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let polling = false;
  return new Promise((done, fail) => {
    const timer = setTimeout(
      () => (child.kill('SIGKILL'), fail(new Error(`no "worker polling" in 120 s:\n${output}`))),
      120_000,
    );
    child.stderr!.on('data', (d) => (output += d));
    child.stdout!.on('data', (d) => {
      output += d;
      if (polling || !output.includes('worker polling')) return;
      polling = true;
      const spawnToPollingMs = performance.now() - started;
      clearTimeout(timer);
      const line = output.split('\n').find((l) => l.startsWith('{"coldStartProbe"'));
      if (!line) return fail(new Error(`the probe printed nothing:\n${output}`));
      const probe = JSON.parse(line).coldStartProbe as { bootMs: number; importMs: number; pollingAtMs: number };
      child.once('exit', () =>
        done({
          spawnToPollingMs,
          bootMs: probe.bootMs,
          importMs: probe.importMs,
          ownMs: probe.pollingAtMs - probe.bootMs - probe.importMs,
        }),
      );
      child.kill('SIGTERM');
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (!polling) fail(new Error(`worker exited (${code}) before polling:\n${output}`));
    });
  });
}

const medianOf = (samples: ColdStartSample[]): ColdStartSample => {
  const m = (k: keyof ColdStartSample) =>
    [...samples.map((s) => s[k])].sort((a, b) => a - b)[Math.floor(samples.length / 2)];
  return { spawnToPollingMs: m('spawnToPollingMs'), bootMs: m('bootMs'), importMs: m('importMs'), ownMs: m('ownMs') };
};

export async function measureColdStart(opts: { address: string; runs: number }): Promise<ColdStartResult> {
  const dir = join(root, '.scratch', `cold-start-${process.pid}`);
  buildWorkerApp(dir);
  try {
    // Warm the file system cache for every side.
    await startOnce(dir, opts.address, 'prebuilt');
    await startOnce(dir, opts.address, 'floorGenkit');
    const sides: Record<Side, ColdStartSample[]> = { prebuilt: [], runtime: [], floor: [], floorGenkit: [] };
    for (let i = 0; i < opts.runs; i++) {
      // Ours and the hand-written floors next to each other, the order turning each round (machine drift hits
      // both alike); bundling at start last, it is the slowest.
      const order: Side[] = i % 2 === 0 ? ['prebuilt', 'floorGenkit', 'floor'] : ['floor', 'floorGenkit', 'prebuilt'];
      for (const side of [...order, 'runtime' as const]) sides[side].push(await startOnce(dir, opts.address, side));
    }
    const floor: number[] = [];
    const library: number[] = [];
    for (let i = 0; i < opts.runs; i++) {
      floor.push(timeRequire('genkit', '@temporalio/worker'));
      library.push(timeRequire('genkitx-temporal'));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const [prebuilt, runtimeBundling] = [medianOf(sides.prebuilt), medianOf(sides.runtime)];
    const [temporalFloor, temporalGenkitFloor] = [medianOf(sides.floor), medianOf(sides.floorGenkit)];
    return {
      runsPerSide: opts.runs,
      prebuilt,
      runtimeBundling,
      temporalFloor,
      temporalGenkitFloor,
      floorRatio: prebuilt.spawnToPollingMs / temporalGenkitFloor.spawnToPollingMs,
      floorRatioWithoutGenkit: prebuilt.spawnToPollingMs / temporalFloor.spawnToPollingMs,
      pairedFloorRatios: sides.prebuilt.map((s, i) => s.spawnToPollingMs / sides.floorGenkit[i].spawnToPollingMs),
      ratio: prebuilt.spawnToPollingMs / runtimeBundling.spawnToPollingMs,
      importFloorMs: median(floor),
      libraryImportMs: median(library),
      compileCache: compileCacheState(),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Node's module compile cache (22.1+) is what the worker entry turns on; on older Node it is absent. */
function compileCacheState(): string {
  const mod = require('node:module') as { enableCompileCache?: unknown };
  return typeof mod.enableCompileCache === 'function'
    ? 'available (the worker entry enables it)'
    : `not in Node ${process.version}`;
}
