// A caller's spending limit over a window, checked before a front door starts a run for them: what the runs they
// started in the window have paid for model calls (each run's `genkitUsage` memo, which the run updates after every
// attempt), read from visibility. Over the limit, the start is refused with RESOURCE_EXHAUSTED (HTTP 429).
import type { Client } from '@temporalio/client';
import { PRINCIPAL_SEARCH_ATTRIBUTE, WORKFLOW_TYPE } from '../common/defaults';
import { parseDuration } from '../common/retry-math';
import type { DurationLike } from '../common/types';
import type { BudgetLimit, RunUsage } from '../common/usage';
import { GenkitError } from './genkit-error';
import { grpcCodeOf, GrpcStatus } from './grpc-errors';

/** A caller's budget: what the runs one principal starts within `window` may spend in all. */
export interface CallerBudget extends BudgetLimit {
  /** The window, back from now: runs started within it count (e.g. `'24h'`). */
  window: DurationLike;
}

/** Runs read per check at most: a caller past this many runs in one window is refused (see `assertCallerBudget`). */
export const MAX_RUNS_PER_CALLER_BUDGET_CHECK = 1_000;

/** The budget's window in milliseconds, or an INVALID_ARGUMENT naming what is wrong (checked before any start). */
export function callerBudgetWindowMs(budget: CallerBudget): number {
  const ms = parseDuration(budget.window);
  if (ms === undefined || ms <= 0) {
    throw new GenkitError({
      status: 'INVALID_ARGUMENT',
      message: `callerBudget.window must be a duration, got ${JSON.stringify(budget.window)}`,
    });
  }
  if (budget.tokens === undefined && budget.cost === undefined) {
    throw new GenkitError({ status: 'INVALID_ARGUMENT', message: 'callerBudget needs `tokens` and/or `cost`' });
  }
  for (const key of ['tokens', 'cost'] as const) {
    const v = budget[key];
    if (v !== undefined && !(typeof v === 'number' && v >= 0 && Number.isFinite(v))) {
      throw new GenkitError({
        status: 'INVALID_ARGUMENT',
        message: `callerBudget.${key} must be a number >= 0, got ${JSON.stringify(v)}`,
      });
    }
  }
  return ms;
}

/** What one caller's runs started since `sinceMs` have paid: tokens (input + output) and USD. */
export async function callerSpend(
  client: Client,
  principal: string,
  sinceMs: number,
): Promise<{ tokens: number; cost: number; runs: number }> {
  const quoted = `"${principal.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const query =
    `WorkflowType = "${WORKFLOW_TYPE}" AND ${PRINCIPAL_SEARCH_ATTRIBUTE} = ${quoted} ` +
    `AND StartTime > "${new Date(sinceMs).toISOString()}"`;
  const spent = { tokens: 0, cost: 0, runs: 0 };
  try {
    for await (const run of client.workflow.list({ query, pageSize: 200 })) {
      if (++spent.runs > MAX_RUNS_PER_CALLER_BUDGET_CHECK) break;
      const paid = (run.memo?.genkitUsage as RunUsage | undefined)?.paid;
      if (!paid) continue;
      spent.tokens += paid.inputTokens + paid.outputTokens;
      spent.cost += paid.cost;
    }
  } catch (err) {
    // The namespace cannot be queried by caller: every start would fail the same way, so say what to fix.
    if (grpcCodeOf(err) !== GrpcStatus.INVALID_ARGUMENT) throw err;
    throw new GenkitError({
      status: 'FAILED_PRECONDITION',
      message:
        `callerBudget lists a caller's runs by the ${PRINCIPAL_SEARCH_ATTRIBUTE} search attribute, which namespace ` +
        `"${client.options.namespace}" cannot be queried by: register it (Keyword), or remove callerBudget`,
    });
  }
  return spent;
}

/**
 * Refuses a start (RESOURCE_EXHAUSTED, an HTTP 429 from the API, `resource-exhausted` from a callable) when the
 * caller's runs started within the window have spent the budget, or when they are more than
 * `MAX_RUNS_PER_CALLER_BUDGET_CHECK` (too many to total on each start: that many runs in one window is itself over
 * any sane budget). Spend lags a running run's current attempt: its memo is updated when each attempt ends.
 */
export async function assertCallerBudget(client: Client, principal: string, budget: CallerBudget): Promise<void> {
  const windowMs = callerBudgetWindowMs(budget);
  const spent = await callerSpend(client, principal, Date.now() - windowMs);
  const over =
    spent.runs > MAX_RUNS_PER_CALLER_BUDGET_CHECK
      ? `started more than ${MAX_RUNS_PER_CALLER_BUDGET_CHECK} runs`
      : budget.tokens !== undefined && spent.tokens >= budget.tokens
        ? `spent ${spent.tokens} of ${budget.tokens} tokens`
        : budget.cost !== undefined && spent.cost >= budget.cost
          ? `spent $${spent.cost.toFixed(4)} of $${budget.cost}`
          : undefined;
  if (!over) return;
  throw new GenkitError({
    status: 'RESOURCE_EXHAUSTED',
    message: `caller budget exceeded: this caller has ${over} in runs started within the last ${String(budget.window)}; try again later`,
    detail: {
      reason: 'caller-budget',
      window: budget.window,
      limit: { tokens: budget.tokens, cost: budget.cost },
      spent: { tokens: spent.tokens, cost: spent.cost },
    },
  });
}
