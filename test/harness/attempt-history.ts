// Why a chaos run spent a flow attempt, read from its history rather than from its own account of it: every flow
// attempt (one `runGenkitFlowActivity` activity the workflow schedules) and how it ended — failure type and
// message, timeout type, the worker process that held it — set beside the faults the driver injected at the time.
// The verdict is by type only: a heartbeat timeout is the cost of a lost worker unless that worker was alive.
import type { temporal } from '@temporalio/proto';
import { FailureTypes } from '../../src/common/failures';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type Failure = temporal.api.failure.v1.IFailure;

/** A fault the driver injected: a signal to one worker process, or the dev server down from `at` to `until`. */
export type Fault =
  { kind: 'SIGKILL' | 'SIGTERM'; pid: number; at: number } | { kind: 'server down'; at: number; until?: number };

/** A worker's event loop went unserved from `at - ms` to `at`; the process used `cpuMs` of CPU meanwhile. */
export interface Stall {
  pid: number;
  at: number;
  ms: number;
  cpuMs: number;
}

/** A heartbeat call of this run that the server itself logged as slow: it ended at `at` after `ms`. */
export interface SlowHeartbeat {
  at: number;
  ms: number;
}

/** One flow attempt as history shows it. */
export interface AttemptRecord {
  /** 1-based, in the order the workflow scheduled them. */
  n: number;
  scheduledAt: number;
  startedAt?: number;
  endedAt?: number;
  /** Worker process that held it (from the worker identity `worker-<pid>`), if history names one. */
  pid?: number;
  /** How it ended. */
  end: 'completed' | 'failed' | 'timed out' | 'canceled' | 'open';
  /** Failure type (ApplicationFailure type) or, for a timeout, `timeout:<TYPE>` (HEARTBEAT, START_TO_CLOSE, …). */
  type?: string;
  message?: string;
}

/** How an attempt that did not complete is judged. */
export interface AttemptVerdict {
  /**
   * `fault`: lost to a fault the driver injected (its own cost); `load`: its worker was alive but waited for a
   * core, or the server logged the run's heartbeat call as slow (it could not record it in time);
   * `ours`: nothing outside our code explains it.
   */
  cost: 'fault' | 'load' | 'ours';
  /** For counting: cost, how it ended and the fault (e.g. `fault: timeout:HEARTBEAT, worker got SIGKILL`). */
  key: string;
  /** For reading: the attempt, the message, the worker and the fault. */
  why: string;
}

const SHUTDOWN_TYPE: string = FailureTypes.workerShutdown;

/** The flow attempts of one execution's history, in scheduling order. */
export function flowAttempts(events: readonly HistoryEvent[], activityType = 'runGenkitFlowActivity'): AttemptRecord[] {
  const byScheduled = new Map<string, AttemptRecord>();
  const attempts: AttemptRecord[] = [];
  for (const e of events) {
    const at = msOf(e.eventTime);
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled) {
      if (scheduled.activityType?.name !== activityType) continue;
      const record: AttemptRecord = { n: attempts.length + 1, scheduledAt: at, end: 'open' };
      attempts.push(record);
      byScheduled.set(String(e.eventId), record);
      continue;
    }
    const started = e.activityTaskStartedEventAttributes;
    if (started) {
      const record = byScheduled.get(String(started.scheduledEventId));
      if (record) Object.assign(record, { startedAt: at, pid: pidOf(started.identity) });
      continue;
    }
    const done = e.activityTaskCompletedEventAttributes;
    const failed = e.activityTaskFailedEventAttributes;
    const timedOut = e.activityTaskTimedOutEventAttributes;
    const canceled = e.activityTaskCanceledEventAttributes;
    const closing = done ?? failed ?? timedOut ?? canceled;
    if (!closing) continue;
    const record = byScheduled.get(String(closing.scheduledEventId));
    if (!record) continue;
    record.endedAt = at;
    if (done) record.end = 'completed';
    else if (canceled) record.end = 'canceled';
    else if (failed) {
      record.end = 'failed';
      record.pid ??= pidOf(failed.identity);
      Object.assign(record, describeFailure(failed.failure));
    } else if (timedOut) {
      record.end = 'timed out';
      Object.assign(record, describeFailure(timedOut.failure));
    }
  }
  return attempts;
}

/** Whether the workflow counts this ended attempt as a failover (re-run on a fresh budget) or as a spent attempt. */
export function isFailover(a: AttemptRecord): boolean {
  return a.type === SHUTDOWN_TYPE || a.type === 'timeout:HEARTBEAT';
}

/**
 * Judges an attempt that did not complete against the faults. Lost to a fault: a heartbeat timeout after its
 * worker was SIGKILLed, a shutdown failover after its worker got SIGTERM, anything while or just after the dev
 * server was down (`graceMs` covers the server's own recovery: timers it fires late, reconnects). Everything
 * else is ours: a heartbeat timeout on a worker nobody killed (or one told to stop gracefully), a failure our
 * code raised with the server up.
 */
export function judgeAttempt(
  a: AttemptRecord,
  faults: readonly Fault[],
  stalls: readonly Stall[] = [],
  graceMs = 15_000,
  /** This run's heartbeat calls the server logged as slow (see `DevServerOptions.slowCalls`). */
  slowHeartbeats: readonly SlowHeartbeat[] = [],
): AttemptVerdict {
  const from = a.startedAt ?? a.scheduledAt;
  const to = a.endedAt ?? Number.POSITIVE_INFINITY;
  const signal = faults.find((f) => f.kind !== 'server down' && f.pid === a.pid && f.at >= from - 1_000 && f.at <= to);
  const outage = faults.find(
    (f) => f.kind === 'server down' && f.at <= to && (f.until ?? Number.POSITIVE_INFINITY) + graceMs >= from,
  );
  const how = a.type ?? a.end;
  const verdict = (cost: AttemptVerdict['cost'], reason: string, detail = ''): AttemptVerdict => ({
    cost,
    key: `${cost}: ${how}, ${reason}`,
    why:
      `attempt ${a.n} ${how} after ${(((a.endedAt ?? from) - from) / 1000).toFixed(1)} s` +
      `${a.pid ? ` on worker ${a.pid}` : ''}, ${reason}${detail}${a.message ? `: ${a.message.slice(0, 300)}` : ''}`,
  });
  // A SIGKILLed worker goes silent (heartbeat timeout); a SIGTERMed one hands its attempts back at once.
  const lostAsExpected =
    (signal?.kind === 'SIGKILL' && a.type === 'timeout:HEARTBEAT') ||
    (signal?.kind === 'SIGTERM' && a.type === SHUTDOWN_TYPE);
  if (signal && lostAsExpected) return verdict('fault', `worker got ${signal.kind}`);
  if (outage) return verdict('fault', 'during or just after the dev-server restart');
  if (signal) return verdict('ours', `worker got ${signal.kind}, but that does not end an attempt this way`);
  if (a.type === 'timeout:HEARTBEAT') {
    // The worker lived: did its event loop stall in the span that timed out, and was it busy or waiting?
    const stall = stalls.find((x) => x.pid === a.pid && x.at >= from && x.at - x.ms <= to);
    if (stall) {
      const starved = stall.cpuMs < stall.ms / 2;
      const seen = ` (event loop unserved ${(stall.ms / 1000).toFixed(1)} s, process CPU ${stall.cpuMs} ms in it)`;
      if (starved) return verdict('load', 'live worker starved of CPU', seen);
      return verdict('ours', 'live worker busy, its event loop held', seen);
    }
    // The worker sent its heartbeats, but the server took seconds to record one (its own log says so).
    const slow = slowHeartbeats.find((x) => x.ms >= 1_000 && x.at - x.ms <= to && x.at >= from);
    if (slow)
      return verdict(
        'load',
        'live worker, the server was slow to record its heartbeat',
        ` (a heartbeat call took ${(slow.ms / 1000).toFixed(1)} s)`,
      );
  }
  return verdict('ours', 'no fault in flight', nearestFault(from, faults));
}

/** The last fault that began before `at`, as a hint for reading (" (last fault: SIGKILL of worker 9, 2.1 s before)"). */
function nearestFault(at: number, faults: readonly Fault[]): string {
  const before = faults.filter((f) => f.at <= at).sort((a, b) => b.at - a.at)[0];
  if (!before) return '';
  const what = before.kind === 'server down' ? 'dev server down' : `${before.kind} of worker ${before.pid}`;
  return ` (last fault before it began: ${what}, ${((at - before.at) / 1000).toFixed(1)} s before)`;
}

/** Failure type (or timeout type) and message, with the innermost cause's message when there is one. */
function describeFailure(failure: Failure | null | undefined): Pick<AttemptRecord, 'type' | 'message'> {
  if (!failure) return {};
  const timeoutType = failure.timeoutFailureInfo?.timeoutType;
  const type =
    timeoutType !== undefined && timeoutType !== null
      ? `timeout:${timeoutName(timeoutType)}`
      : (failure.applicationFailureInfo?.type ?? undefined);
  const messages: string[] = [];
  for (let f: Failure | null | undefined = failure; f; f = f.cause) if (f.message) messages.push(f.message);
  return { type: type || undefined, message: messages.join(' <- ') || undefined };
}

// temporal.api.enums.v1.TimeoutType, without importing the proto module at run time.
const TIMEOUT_NAMES = ['UNSPECIFIED', 'START_TO_CLOSE', 'SCHEDULE_TO_START', 'SCHEDULE_TO_CLOSE', 'HEARTBEAT'];
function timeoutName(t: number | string): string {
  return typeof t === 'number' ? (TIMEOUT_NAMES[t] ?? String(t)) : t.replace(/^TIMEOUT_TYPE_/, '');
}

function pidOf(identity: string | null | undefined): number | undefined {
  const m = /^worker-(\d+)$/.exec(identity ?? '');
  return m ? Number(m[1]) : undefined;
}

function msOf(ts: { seconds?: unknown; nanos?: number | null } | null | undefined): number {
  if (!ts) return 0;
  return Number(ts.seconds ?? 0) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6);
}
