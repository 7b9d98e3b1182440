// Prompts do not leave through traces (issue 20): the Cloud Run worker entry (cloudrun/worker's main.ts on this
// repository's source) with GENKITX_OTEL=true exports over OTLP/HTTP to a local receiver. With
// GENKITX_ENCRYPTION_KEYS set, no span carries the prompt, the tool's output, the answer or the model's error text
// (attributes, status messages, exception events), nor a failed run's error quoting its input, while names, statuses' codes, flow names and attempt numbers
// stay. GENKITX_OTEL_USER_DATA=true brings them back; without encryption, spans are as they always were.
import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeFlowWorkflow } from '../../src/client/start-flow';
import { createDataConverter, dataConverterFromEnv } from '../../src/codec/data-converter';
import { closeTemporalClients } from '../../src/client/connection';
import { flowRef } from '../../src/client/flow-ref';
import { bundleFlowWorkflows } from '../../src/worker/start-worker';
import { serviceReady, startCloudRunService } from '../harness/cloud-run-service';
import { otlpEnv, startOtlpReceiver, type OtlpSpan } from '../harness/otlp';
import { address, namespace, uniqueTaskQueue, waitFor } from '../helpers/temporal';

const root = resolve(__dirname, '../..');
const encryptionKeys = `k1:${randomBytes(32).toString('base64')}`;
let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
/** Traced workflow bundles: plain, and with the encrypting failure converter (what an encrypting worker needs). */
const bundleDirs = { plain: '', encrypted: '' };

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} };
  for (const kind of ['plain', 'encrypted'] as const) {
    bundleDirs[kind] = await mkdtemp(join(tmpdir(), `genkitx-otlp-redact-${kind}-`));
    const dataConverter = kind === 'encrypted' ? createDataConverter({ encryptFailures: true }) : undefined;
    const bundle = await bundleFlowWorkflows({ telemetry: true, logger: quiet, dataConverter });
    await writeFile(join(bundleDirs[kind], 'workflow-bundle.traced.js'), bundle.code);
  }
}, 120_000);

afterAll(async () => {
  await closeTemporalClients();
  await receiver?.close();
});

/**
 * Runs tracedAgentFlow (a model error, then a tool call, then the answer) once on a fresh Cloud Run worker with
 * `env` added, and returns the spans of its trace and the raw OTLP bodies that carried them.
 */
async function tracedRun(env: Record<string, string>, encrypted: boolean) {
  const taskQueue = uniqueTaskQueue('otlp-redact');
  const worker = startCloudRunService(
    'worker',
    {
      TEMPORAL_ADDRESS: address(),
      TEMPORAL_NAMESPACE: namespace(),
      TEMPORAL_TASK_QUEUE: taskQueue,
      FLOWS_MODULE: join(root, 'test/fixtures/traced-flows.ts'),
      WORKFLOW_BUNDLE_PATH: join(bundleDirs[encrypted ? 'encrypted' : 'plain'], 'workflow-bundle.js'),
      K_SERVICE: 'otlp-redact-worker',
      ...otlpEnv(receiver.port),
      ...env,
    },
    { librarySource: true },
  );
  try {
    await serviceReady(worker, '"message":"worker polling"', 90_000);
    const prompt = `weather in Paris? ${randomBytes(6).toString('hex')}`;
    const result = await executeFlowWorkflow(flowRef('tracedAgentFlow'), prompt, {
      address: address(),
      namespace: namespace(),
      taskQueue,
      dataConverter: encrypted ? dataConverterFromEnv({ GENKITX_ENCRYPTION_KEYS: encryptionKeys }) : undefined,
    });
    expect(result).toBe('sunny in Paris');
    const run = await waitFor(
      () => receiver.spans.find((s) => s.name === 'RunWorkflow:runGenkitFlow' && s.service === 'otlp-redact-worker'),
      15_000,
      'the RunWorkflow span',
    );
    const inTrace = () => receiver.spans.filter((s) => s.traceId === run.traceId);
    await waitFor(
      () => inTrace().filter((s) => s.attributes['genkit:metadata:subtype'] === 'model').length === 3,
      15_000,
      'the three model spans',
    );
    await waitFor(
      () => inTrace().some((s) => s.attributes['genkit:metadata:subtype'] === 'tool'),
      15_000,
      'the tool span',
    );
    await waitFor(() => inTrace().filter((s) => s.name === 'tracedAgentFlow').length === 2, 15_000, 'both flow spans');
    const spans = inTrace();
    // A run that fails for good, its error quoting the input: the failure's text travels in span statuses and
    // exception events, the workflow's own span included.
    const refused = `cannot answer this ${randomBytes(6).toString('hex')}`;
    await expect(
      executeFlowWorkflow(flowRef('tracedRefusingFlow'), refused, {
        address: address(),
        namespace: namespace(),
        taskQueue,
        dataConverter: encrypted ? dataConverterFromEnv({ GENKITX_ENCRYPTION_KEYS: encryptionKeys }) : undefined,
      }),
    ).rejects.toThrow();
    const refusedRun = await waitFor(
      () =>
        receiver.spans.find(
          (s) => s.name === 'RunWorkflow:runGenkitFlow' && s.traceId !== run.traceId && s.status?.code === 2,
        ),
      15_000,
      'the failed RunWorkflow span',
    );
    await waitFor(
      () => receiver.spans.some((s) => s.traceId === refusedRun.traceId && s.name === 'tracedRefusingFlow'),
      15_000,
      'the failed flow span',
    );
    const refusedSpans = receiver.spans.filter((s) => s.traceId === refusedRun.traceId);
    const bodies = [...receiver.bodies];
    receiver.spans.length = 0;
    receiver.bodies.length = 0;
    return { prompt, refused, spans, refusedSpans, bodies, output: worker.output() };
  } finally {
    worker.child.kill('SIGTERM');
    await worker.exited;
  }
}

/** Every place in a span that carries text: attribute values, the status message, event attributes. */
function textsOf(span: OtlpSpan): string[] {
  const eventTexts = (span.events ?? []).flatMap((e) => (e.attributes ?? []).map((a) => JSON.stringify(a.value)));
  return [...Object.values(span.attributes).map((v) => String(v)), span.status?.message ?? '', ...eventTexts];
}

const USER_DATA = (run: { prompt: string; refused: string }) => [run.prompt, 'sunny in', 'bad afternoon', run.refused];

describe('spans of a run with encrypted payloads', () => {
  let traced: Awaited<ReturnType<typeof tracedRun>>;
  beforeAll(async () => {
    traced = await tracedRun({ GENKITX_ENCRYPTION_KEYS: encryptionKeys }, true);
  }, 180_000);

  it('carry no prompt, tool output, answer or error text anywhere', () => {
    for (const secret of USER_DATA(traced)) {
      const all = [...traced.spans, ...traced.refusedSpans];
      expect(all.filter((s) => textsOf(s).some((t) => t.includes(secret))).map((s) => s.name)).toEqual([]);
      // Nor anywhere else in what was sent (resource, scope, links, …).
      expect(traced.bodies.filter((b) => b.includes(secret))).toEqual([]);
    }
    expect(traced.bodies.length).toBeGreaterThan(0);
  });

  it('keep names, statuses, flow names and attempt numbers, and say what was redacted', () => {
    const attempts = traced.spans.filter((s) => s.name === 'RunActivity:runGenkitFlowActivity');
    expect(attempts.map((s) => Number(s.attributes['genkit.flow.attempt'])).sort()).toEqual([1, 2]);
    expect(attempts.map((s) => s.attributes['genkit.flow.name'])).toEqual(['tracedAgentFlow', 'tracedAgentFlow']);
    const failedModel = traced.spans.find(
      (s) => s.attributes['genkit:metadata:subtype'] === 'model' && s.attributes['genkit:state'] === 'error',
    );
    expect(failedModel?.status).toMatchObject({ code: 2, message: '[redacted]' });
    const exception = failedModel!.events!.find((e) => e.name === 'exception')!;
    const exceptionAttrs = Object.fromEntries(exception.attributes!.map((a) => [a.key, Object.values(a.value)[0]]));
    expect(exceptionAttrs['exception.message']).toBe('[redacted]');
    expect(exceptionAttrs['exception.type']).toBeDefined();
    const failedRun = traced.refusedSpans.find((s) => s.name === 'RunWorkflow:runGenkitFlow')!;
    expect(failedRun.status).toEqual({ code: 2, message: '[redacted]' });
    const tool = traced.spans.find((s) => s.attributes['genkit:metadata:subtype'] === 'tool')!;
    expect(tool).toMatchObject({ name: 'lookupWeather' });
    expect(tool.attributes).toMatchObject({ 'genkit:input': '[redacted]', 'genkit:output': '[redacted]' });
  });
});

describe('GENKITX_OTEL_USER_DATA=true with encrypted payloads', () => {
  it('exports the prompt, the tool output and the error texts', async () => {
    const traced = await tracedRun({ GENKITX_ENCRYPTION_KEYS: encryptionKeys, GENKITX_OTEL_USER_DATA: 'true' }, true);
    for (const secret of USER_DATA(traced)) {
      const all = [...traced.spans, ...traced.refusedSpans];
      expect(
        all.some((s) => textsOf(s).some((t) => t.includes(secret))),
        secret,
      ).toBe(true);
    }
    const tool = traced.spans.find((s) => s.attributes['genkit:metadata:subtype'] === 'tool')!;
    expect(tool.attributes['genkit:output']).toBe('"sunny in Paris"');
  }, 180_000);
});

describe('without encryption', () => {
  it('spans are as before: user data included, nothing redacted', async () => {
    const traced = await tracedRun({}, false);
    for (const secret of USER_DATA(traced)) {
      const all = [...traced.spans, ...traced.refusedSpans];
      expect(
        all.some((s) => textsOf(s).some((t) => t.includes(secret))),
        secret,
      ).toBe(true);
    }
    expect(traced.bodies.some((b) => b.includes('[redacted]'))).toBe(false);
  }, 180_000);
});

describe('the Cloud Run API with encrypted payloads', () => {
  it('exports its request and StartWorkflow spans through the redacting pipeline', async () => {
    const apiPort = await new Promise<number>((done) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => done(port));
      });
    });
    const api = startCloudRunService(
      'api',
      {
        TEMPORAL_ADDRESS: address(),
        TEMPORAL_NAMESPACE: namespace(),
        TEMPORAL_TASK_QUEUE: uniqueTaskQueue('otlp-redact-api'),
        FLOWS_MODULE: join(root, 'test/fixtures/cloudrun-worker/api-flows.ts'),
        API_AUTH: 'none',
        PORT: String(apiPort),
        K_SERVICE: 'otlp-redact-api',
        GENKITX_ENCRYPTION_KEYS: encryptionKeys,
        ...otlpEnv(receiver.port),
      },
      { librarySource: true },
    );
    try {
      await serviceReady(api, 'api listening', 60_000);
      const secret = `Ada ${randomBytes(6).toString('hex')}`;
      const traceId = randomBytes(16).toString('hex');
      const res = await fetch(`http://127.0.0.1:${apiPort}/flows/tracingGreetFlow`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
        },
        body: JSON.stringify({ data: secret }),
      });
      expect(res.status).toBe(202);
      await waitFor(
        () => receiver.spans.some((s) => s.traceId === traceId && s.name.startsWith('POST ')),
        15_000,
        "the API's request span",
      );
      expect(receiver.spans.some((s) => s.traceId === traceId && s.name === 'StartWorkflow:runGenkitFlow')).toBe(true);
      expect(receiver.bodies.filter((b) => b.includes(secret))).toEqual([]);
    } finally {
      api.child.kill('SIGTERM');
      expect(await api.exited).toBe(0);
    }
  }, 90_000);
});
