// Encryption overhead, as ratios to the unencrypted path, measured interleaved (plain, encrypted, plain, …):
//   1. a 1 MiB payload through the data converter: toPayload + codec encode, codec decode + fromPayload;
//   2. a journaled step: a 20-step flow on an encrypting worker and client vs. a plain one, same dev server.
// Standalone: `node --import tsx bench/encryption-overhead.ts` (BENCH_RUNS sets the run count).
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { defaultPayloadConverter } from '@temporalio/common';
import { genkit, z } from 'genkit';
import { defineTemporalFlow, executeFlowWorkflow, startTemporalWorker, step, temporal } from '../src';
import { AesGcmPayloadCodec, createDataConverter } from '../src/codec';
import { percentile } from './journal-overhead';

const STEPS = 20;
const ai = genkit({ plugins: [temporal()] });

export const twentyStepFlow = defineTemporalFlow(ai, { name: 'twentyStepFlow', inputSchema: z.number() }, async (n) => {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += (await step(`s${i}`, () => ({ i, note: `step ${i} of the run` }))).i;
  return sum;
});

export interface EncryptionOverheadResult {
  payload1MiB: { plainMs: number; encryptedMs: number; ratio: number; codecOnlyMs: number; samples: number };
  journaledStep: { plainMsPerStep: number; encryptedMsPerStep: number; ratio: number; runsPerSide: number };
}

/** 1 MiB payload: converter round trip with vs. without the AES-GCM codec (medians of interleaved samples). */
export async function measurePayloadOverhead(samples = 30): Promise<EncryptionOverheadResult['payload1MiB']> {
  const codec = new AesGcmPayloadCodec({ keys: [{ id: 'bench', key: randomBytes(32) }] });
  const value = randomBytes(768 * 1024).toString('base64'); // 1 MiB of JSON string
  const plain: number[] = [];
  const sealed: number[] = [];
  const codecOnly: number[] = [];
  const payload = defaultPayloadConverter.toPayload(value);
  for (let i = 0; i < samples + 3; i++) {
    let started = performance.now();
    defaultPayloadConverter.fromPayload(defaultPayloadConverter.toPayload(value));
    const p = performance.now() - started;
    started = performance.now();
    const [encoded] = await codec.encode([defaultPayloadConverter.toPayload(value)]);
    defaultPayloadConverter.fromPayload((await codec.decode([encoded!]))[0]!);
    const e = performance.now() - started;
    started = performance.now();
    await codec.decode(await codec.encode([payload]));
    const c = performance.now() - started;
    if (i >= 3) (plain.push(p), sealed.push(e), codecOnly.push(c)); // first rounds warm up
  }
  const plainMs = percentile(plain, 50);
  const encryptedMs = percentile(sealed, 50);
  return { plainMs, encryptedMs, ratio: encryptedMs / plainMs, codecOnlyMs: percentile(codecOnly, 50), samples };
}

/** Per journaled step: a plain and an encrypting worker on their own queues of the same server, runs alternating. */
export async function measureStepOverhead(opts: {
  address: string;
  runs: number;
}): Promise<EncryptionOverheadResult['journaledStep']> {
  const dataConverter = createDataConverter({ encryption: { keys: [{ id: 'bench', key: randomBytes(32) }] } });
  const plainQueue = 'bench-plain';
  const sealedQueue = 'bench-encrypted';
  const workers = await Promise.all([
    startTemporalWorker({ address: opts.address, taskQueue: plainQueue, handleSignals: false }),
    startTemporalWorker({ address: opts.address, taskQueue: sealedQueue, dataConverter, handleSignals: false }),
  ]);
  try {
    const times = { plain: [] as number[], sealed: [] as number[] };
    const once = async (encrypted: boolean) => {
      const started = performance.now();
      await executeFlowWorkflow(twentyStepFlow, STEPS, {
        address: opts.address,
        taskQueue: encrypted ? sealedQueue : plainQueue,
        dataConverter: encrypted ? dataConverter : undefined,
      });
      return performance.now() - started;
    };
    await once(false); // warm-up
    await once(true);
    for (let i = 0; i < opts.runs; i++) {
      times.plain.push(await once(false));
      times.sealed.push(await once(true));
    }
    const plainMsPerStep = percentile(times.plain, 50) / STEPS;
    const encryptedMsPerStep = percentile(times.sealed, 50) / STEPS;
    return { plainMsPerStep, encryptedMsPerStep, ratio: encryptedMsPerStep / plainMsPerStep, runsPerSide: opts.runs };
  } finally {
    await Promise.all(workers.map((w) => w.shutdown()));
  }
}

export function printEncryptionOverhead(r: EncryptionOverheadResult): void {
  const ms = (v: number) => `${v.toFixed(2)} ms`;
  console.log(`\nencryption overhead (AES-256-GCM), interleaved, medians`);
  console.table({
    '1 MiB payload encode+decode': {
      plain: ms(r.payload1MiB.plainMs),
      encrypted: ms(r.payload1MiB.encryptedMs),
      ratio: `${r.payload1MiB.ratio.toFixed(2)}x`,
      'AES-GCM alone': ms(r.payload1MiB.codecOnlyMs),
    },
    [`journaled step (${STEPS}-step run / ${STEPS})`]: {
      plain: ms(r.journaledStep.plainMsPerStep),
      encrypted: ms(r.journaledStep.encryptedMsPerStep),
      ratio: `${r.journaledStep.ratio.toFixed(2)}x`,
    },
  });
}

if (require.main === module) {
  void (async () => {
    const { DefaultLogger, Runtime } = await import('@temporalio/worker');
    const { resolveTemporalCli } = await import('../scripts/temporal-cli.mjs');
    const { withLocalTemporal } = await import('../src/testing');
    Runtime.install({ logger: new DefaultLogger('WARN') });
    const runs = Number(process.env.BENCH_RUNS ?? 10);
    await withLocalTemporal({ cliPath: resolveTemporalCli(), taskQueue: 'bench' }, async ({ address }) => {
      const payload1MiB = await measurePayloadOverhead();
      const journaledStep = await measureStepOverhead({ address, runs });
      printEncryptionOverhead({ payload1MiB, journaledStep });
    });
    process.exit(0);
  })().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
