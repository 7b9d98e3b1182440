// The attempt's side of progress: which step its heartbeat details show, and when it heartbeats for a change.
import { describe, expect, it } from 'vitest';
import { StepsInFlight } from '../../../../src/worker/journal/steps-in-flight';
import type { StepInFlight } from '../../../../src/common/types';

const step = (key: string, startedAt: string): StepInFlight => ({
  key,
  kind: 'model',
  name: `m${key}`,
  attempt: 1,
  startedAt,
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('StepsInFlight', () => {
  it('never reports a step that ends before the delay (and does not heartbeat for it)', async () => {
    let changes = 0;
    const inFlight = new StepsInFlight(40);
    inFlight.onChange = () => changes++;
    const started = inFlight.start(step('0', '2026-01-01T00:00:00.000Z'));
    await sleep(10);
    started.end();
    await sleep(60);
    expect(started.reported).toBe(false);
    expect(inFlight.current).toBeUndefined();
    expect(changes).toBe(0);
  });

  it('reports a slow step after the delay and clears it when it ends, heartbeating on each change', async () => {
    let changes = 0;
    const inFlight = new StepsInFlight(20);
    inFlight.onChange = () => changes++;
    const started = inFlight.start(step('3', '2026-01-01T00:00:00.000Z'));
    expect(inFlight.current).toBeUndefined();
    await sleep(50);
    expect(started.reported).toBe(true);
    expect(inFlight.current).toMatchObject({ key: '3', name: 'm3' });
    expect(changes).toBe(1);
    started.end();
    started.end(); // twice is harmless
    expect(inFlight.current).toBeUndefined();
    expect(changes).toBe(2);
    expect(started.reported).toBe(true); // the journal entry keeps its start
  });

  it('of parallel slow steps shows the latest started, then the one still running', async () => {
    const inFlight = new StepsInFlight(10);
    const older = inFlight.start(step('1.0', '2026-01-01T00:00:01.000Z'));
    const newer = inFlight.start(step('1.1', '2026-01-01T00:00:02.000Z'));
    await sleep(40);
    expect(inFlight.current?.key).toBe('1.1');
    newer.end();
    expect(inFlight.current?.key).toBe('1.0');
    older.end();
    expect(inFlight.current).toBeUndefined();
  });

  it('reports nothing once the attempt is closed (a branch still running after it ended)', async () => {
    let changes = 0;
    const inFlight = new StepsInFlight(20);
    inFlight.onChange = () => changes++;
    inFlight.start(step('5', '2026-01-01T00:00:00.000Z'));
    inFlight.close();
    await sleep(50);
    expect(inFlight.current).toBeUndefined();
    expect(changes).toBe(0);
  });
});
