// The continuation seal, in process: bound to the execution it came from, to the workflow, and to every carried
// field and journal entry; rotation (an older key still in the ring verifies); what a worker without keys does.
import { randomBytes } from 'node:crypto';
import type { Info } from '@temporalio/activity';
import { describe, expect, it } from 'vitest';
import { contextKeyRing, resolveContextTrust } from '../../../src/identity';
import {
  sealContinuation,
  verifyContinuationSeal,
  type SealedContinuation,
} from '../../../src/identity/continuation-seal';
import { checkContinuation, sealOwnContinuation } from '../../../src/identity/continuation-trust';
import type { FlowRunRequest, JournalEntry } from '../../../src/common/types';

const key = (id: string) => ({ id, key: randomBytes(32).toString('base64') });
const k1 = key('k1');
const k2 = key('k2');
const request: FlowRunRequest = {
  flowName: 'approval',
  input: { change: 'db' },
  context: { auth: { uid: 'alice', token: {} } },
  contextSignature: { v: 1, kid: 'k1', mac: 'x' },
  options: { continueAsNewAfter: 3 },
  continued: {
    executions: 1,
    flowAttempt: 1,
    failoversWithoutProgress: 0,
    chunkBase: 0,
    previousRunId: 'run-1',
    earlyInputs: [],
    answeredInputKeys: [],
    continuations: 1,
  },
};
const journal: JournalEntry[][] = [
  [{ key: '0', kind: 'step', name: 'plan', output: 'roll out db' }],
  [{ key: '1', kind: 'input', name: 'approval', output: { approved: false, note: 'denied' } }],
];
const carried: SealedContinuation = { namespace: 'default', workflowId: 'wf-1', fromRunId: 'run-1', request, journal };

describe('continuation seal', () => {
  const ring = contextKeyRing([k1]);
  const seal = sealContinuation(ring, carried);

  it('verifies for the same carried state, however the journal is paged and whatever the key order', () => {
    expect(verifyContinuationSeal(ring, carried, seal)).toBeUndefined();
    expect(verifyContinuationSeal(ring, { ...carried, journal: [journal.flat()] }, seal)).toBeUndefined();
    const reordered = JSON.parse(JSON.stringify({ ...request, input: { change: 'db' } })) as FlowRunRequest;
    expect(verifyContinuationSeal(ring, { ...carried, request: { ...reordered, continuationSeal: seal } }, seal)).toBe(
      undefined,
    );
  });

  it('refuses a changed journal entry, continued state, option, identity, or another run or execution', () => {
    const approved = [journal[0]!, [{ ...journal[1]![0]!, output: { approved: true, note: 'forged' } }]];
    const changes: Partial<SealedContinuation>[] = [
      { journal: approved },
      { journal: [journal[0]!] },
      { request: { ...request, continued: { ...request.continued!, answeredInputKeys: ['k'] } } },
      { request: { ...request, options: { continueAsNewAfter: 4 } } },
      { request: { ...request, context: { auth: { uid: 'mallory', token: {} } } } },
      { workflowId: 'wf-2' },
      { namespace: 'other' },
      { fromRunId: 'run-2' },
    ];
    for (const change of changes) {
      expect(verifyContinuationSeal(ring, { ...carried, ...change }, seal), JSON.stringify(change)).toBe('mismatch');
    }
  });

  it('says why: no seal, a malformed one, an unknown key', () => {
    expect(verifyContinuationSeal(ring, carried, undefined)).toBe('unsigned');
    expect(verifyContinuationSeal(ring, carried, { v: 2, kid: 'k1', mac: seal.mac })).toBe('malformed');
    expect(verifyContinuationSeal(contextKeyRing([k2]), carried, seal)).toBe('unknown-key');
  });

  it('rotation: a seal by k1 verifies with [k2, k1]; the ring seals with k2', () => {
    const rotated = contextKeyRing([k2, k1]);
    expect(verifyContinuationSeal(rotated, carried, seal)).toBeUndefined();
    expect(sealContinuation(rotated, carried).kid).toBe('k2');
  });
});

describe("the worker's continuation activities", () => {
  const info = (runId: string) =>
    ({
      workflowNamespace: 'default',
      activityNamespace: 'default',
      workflowExecution: { workflowId: 'wf-1', runId },
    }) as Info;
  const keyed = resolveContextTrust({ contextKeys: [k1] }, {});

  it("accepts the next execution's state only for the execution continued from the sealing one", async () => {
    const seal = sealOwnContinuation(keyed, info('run-1'), { request, journal })!;
    const next = { request: { ...request, continuationSeal: seal }, journal };
    expect(await checkContinuation(keyed, info('run-2'), { ...next, continuedFromRunId: 'run-1' })).toEqual({
      accepted: true,
    });
    // A cron or retry re-run is "continued" from another execution; a plain start from none.
    expect(await checkContinuation(keyed, info('run-3'), { ...next, continuedFromRunId: 'cron-run-1' })).toMatchObject({
      accepted: false,
      reason: 'mismatch',
    });
    expect(await checkContinuation(keyed, info('run-3'), next)).toMatchObject({ accepted: false, reason: 'unsigned' });
    expect(
      await checkContinuation(keyed, info('run-2'), { request, journal, continuedFromRunId: 'run-1' }),
    ).toMatchObject({
      accepted: false,
      reason: 'unsigned',
    });
  });

  it("an unsealed continuation passes only when history shows the workflow's own continue-as-new; a bad seal never", async () => {
    const unsealed = { request, journal, continuedFromRunId: 'run-1' };
    const askedFor: string[] = [];
    const history = (answer: boolean) => async (runId: string) => (askedFor.push(runId), answer);
    expect(await checkContinuation(keyed, info('run-2'), unsealed, history(true))).toEqual({
      accepted: true,
      unsealed: true,
    });
    expect(await checkContinuation(keyed, info('run-2'), unsealed, history(false))).toMatchObject({
      accepted: false,
      reason: 'unsigned',
    });
    // A seal that is there but wrong is a forgery, whatever history says; a plain start has no previous execution.
    const wrong = { ...unsealed, request: { ...request, continuationSeal: { v: 1 as const, kid: 'k1', mac: 'AAAA' } } };
    expect(await checkContinuation(keyed, info('run-2'), wrong, history(true))).toMatchObject({ reason: 'mismatch' });
    expect(await checkContinuation(keyed, info('run-2'), { request, journal }, history(true))).toMatchObject({
      reason: 'unsigned',
    });
    expect(askedFor).toEqual(['run-1', 'run-1']);
  });

  it('without a context key nothing is sealed and every continuation is accepted (nothing is verified then)', async () => {
    const keyless = resolveContextTrust({}, {});
    expect(sealOwnContinuation(keyless, info('run-1'), { request, journal })).toBeUndefined();
    expect(await checkContinuation(keyless, info('run-2'), { request, journal, continuedFromRunId: 'x' })).toEqual({
      accepted: true,
    });
  });
});
