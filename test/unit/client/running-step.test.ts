// The reader's side of progress: which pending activity's heartbeat details count, decoded through the client's
// data converter with the encryption codec. The describe responses are built here (two running flow attempts
// at once, a Temporal retry that inherited details, undecodable details cannot be staged on a real server).
import { randomBytes } from 'node:crypto';
import { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { createDataConverter } from '../../../src/codec';
import { stepInFlightOf } from '../../../src/client/running-step';
import type { FlowAttemptHeartbeat, StepInFlight } from '../../../src/common/types';

const key = { id: 'k1', key: randomBytes(32) };
// A client is lazy: it never connects unless it makes a call (these tests make none).
const sealed = new Client({ dataConverter: createDataConverter({ encryption: { keys: [key] } }) }).workflow;
const otherKey = new Client({
  dataConverter: createDataConverter({ encryption: { keys: [{ id: 'k1', key: randomBytes(32) }] } }),
}).workflow;

const inFlight = (key: string, name = 'googleai/gemini'): StepInFlight => ({
  key,
  kind: 'model',
  name,
  attempt: 1,
  startedAt: '2026-01-01T00:00:00.000Z',
});

/** Encodes like the worker: payload converter, then the codecs. */
async function encoded(value: unknown): Promise<{ payloads: Payload[] }> {
  const { payloadConverter, payloadCodecs } = sealed.options.loadedDataConverter;
  let payloads = [payloadConverter.toPayload(value)];
  for (const codec of payloadCodecs) payloads = await codec.encode(payloads);
  return { payloads };
}

const heartbeat = (
  execution: number,
  stepsCompleted: number,
  step?: StepInFlight,
  attempt = 1,
): FlowAttemptHeartbeat => ({
  attempt: 1,
  lease: { execution, attempt },
  stepsCompleted,
  stepInFlight: step,
});

async function pending(details: unknown, fields: { state?: number; attempt?: number; type?: string } = {}) {
  return {
    activityId: String(Math.random()),
    activityType: { name: fields.type ?? 'runGenkitFlowActivity' },
    state: fields.state ?? 2,
    attempt: fields.attempt ?? 1,
    heartbeatDetails: details === undefined ? null : await encoded(details),
  };
}

const running = (pendingActivities: unknown[], status = 'RUNNING') =>
  ({ workflowId: 'wf', status: { name: status }, raw: { pendingActivities } }) as never;

describe('stepInFlightOf', () => {
  it('reads the step from the running attempt, through the encryption codec', async () => {
    const raw = await pending(heartbeat(1, 2, inFlight('2')));
    expect(Buffer.from(raw.heartbeatDetails!.payloads[0].data!).includes('googleai/gemini')).toBe(false);
    expect(await stepInFlightOf(sealed, running([raw]), { stepsCompleted: 2 })).toEqual(inFlight('2'));
  });

  it('of several running attempts, only the newest lease counts', async () => {
    const zombie = await pending(heartbeat(1, 2, inFlight('2', 'old')));
    const current = await pending(heartbeat(2, 2, inFlight('2', 'new')));
    expect((await stepInFlightOf(sealed, running([current, zombie]), { stepsCompleted: 2 }))?.name).toBe('new');
    expect((await stepInFlightOf(sealed, running([zombie, current]), { stepsCompleted: 2 }))?.name).toBe('new');
    const idle = await pending(heartbeat(3, 2));
    expect(await stepInFlightOf(sealed, running([zombie, current, idle]), { stepsCompleted: 2 })).toBeUndefined();
  });

  it('ignores details a Temporal retry inherited from its previous attempt, and attempts not running', async () => {
    const inherited = await pending(heartbeat(1, 0, inFlight('0'), 1), { attempt: 2 });
    expect(await stepInFlightOf(sealed, running([inherited]), { stepsCompleted: 0 })).toBeUndefined();
    const scheduled = await pending(heartbeat(1, 0, inFlight('0')), { state: 1 });
    expect(await stepInFlightOf(sealed, running([scheduled]), { stepsCompleted: 0 })).toBeUndefined();
    const cancelling = await pending(heartbeat(1, 0, inFlight('0')), { state: 3 });
    expect(await stepInFlightOf(sealed, running([cancelling]), { stepsCompleted: 0 })).toEqual(inFlight('0'));
    const otherActivity = await pending(heartbeat(1, 0, inFlight('0')), { type: 'chargeCard' });
    expect(await stepInFlightOf(sealed, running([otherActivity]), { stepsCompleted: 0 })).toBeUndefined();
  });

  it('hides details that predate a journal write (the step has ended), not ones the query has not caught up to', async () => {
    const raw = await pending(heartbeat(1, 2, inFlight('2')));
    expect(await stepInFlightOf(sealed, running([raw]), { stepsCompleted: 3 })).toBeUndefined();
    expect(await stepInFlightOf(sealed, running([raw]), { stepsCompleted: 1 })).toEqual(inFlight('2'));
    expect(await stepInFlightOf(sealed, running([raw]))).toEqual(inFlight('2'));
  });

  it('shows nothing for a run that waits for input, has ended, or whose attempt has not heartbeated yet', async () => {
    const stale = { stepsCompleted: 1, stepInFlight: inFlight('1') };
    expect(await stepInFlightOf(sealed, running([]), stale)).toBeUndefined();
    expect(await stepInFlightOf(sealed, running([await pending(heartbeat(1, 1, inFlight('1')))], 'COMPLETED'))).toBe(
      undefined,
    );
    expect(await stepInFlightOf(sealed, running([await pending(undefined)]), stale)).toBeUndefined();
  });

  it("falls back to the query's value for an attempt of an older version (details without a lease)", async () => {
    const legacy = await pending({ attempt: 1, stepsCompleted: 1 });
    const fromSignal = { stepsCompleted: 1, stepInFlight: inFlight('1') };
    expect(await stepInFlightOf(sealed, running([legacy]), fromSignal)).toEqual(inFlight('1'));
  });

  it('never throws on details it cannot decode (another key): the query answers', async () => {
    const raw = await pending(heartbeat(1, 1, inFlight('1')));
    const fromQuery = { stepsCompleted: 1, stepInFlight: inFlight('1', 'from query') };
    expect(await stepInFlightOf(otherKey, running([raw]), fromQuery)).toEqual(fromQuery.stepInFlight);
    expect(await stepInFlightOf(otherKey, running([raw]), undefined)).toBeUndefined();
    const garbage = {
      ...raw,
      heartbeatDetails: {
        payloads: [{ metadata: { encoding: Buffer.from('binary/encrypted') }, data: Buffer.from('x') }],
      },
    };
    expect(await stepInFlightOf(sealed, running([garbage]), fromQuery)).toEqual(fromQuery.stepInFlight);
  });
});
