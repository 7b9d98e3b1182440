// Token usage and cost of a run's model calls, and the budget math. Sandbox-safe (the workflow totals usage from
// the journal writes it receives): plain data and arithmetic, no imports of ours.

/** One model call's usage as its journal entry records it (the model is the entry's `name`). */
export interface CallUsage {
  inputTokens: number;
  outputTokens: number;
  /** Input tokens served from the provider's cache (part of `inputTokens`), when the provider says. */
  cachedTokens?: number;
  /** USD, from the worker's price table when the call was made (absent when the model has no price). */
  cost?: number;
}

/** Price of one model, USD per million tokens. `cached` applies to cached input tokens (default: `input`). */
export interface ModelPrice {
  input: number;
  output: number;
  cached?: number;
}

/** Prices by model name as the journal names it (`googleai/gemini-2.5-flash`). */
export type PriceTable = Record<string, ModelPrice>;

/** Totals of a set of model calls. */
export interface UsageTotals {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  /** USD of the calls that had a price. */
  cost: number;
  /** Calls of models without a price (their cost is not in `cost`). */
  unpricedCalls?: number;
}

/** Totals and the same by model. */
export interface UsageBreakdown extends UsageTotals {
  byModel: Record<string, UsageTotals>;
}

/**
 * A run's model usage. `paid`: every live call whose journal write landed, each time it was made (a call made
 * again after its result was lost counts again). `replayed`: calls a later attempt got from the journal instead of
 * making them (free).
 */
export interface RunUsage {
  paid: UsageBreakdown;
  replayed: UsageBreakdown;
}

/** What a budget limits: tokens (input + output) and/or cost (USD). */
export interface BudgetLimit {
  tokens?: number;
  cost?: number;
}

/** A spending limit for a run (`budget` of `config.temporal`, or the start option). */
export interface FlowBudget extends BudgetLimit {
  /**
   * Before a model call once the run has spent its budget: `'ask'` waits for the input `budget:approval`
   * (`{ approved: boolean, tokens?, cost? }`; no worker held meanwhile), `'fail'` fails the run with
   * RESOURCE_EXHAUSTED. @default 'ask'
   */
  onExceed?: 'ask' | 'fail';
}

/** The input a run waits for when it would pass its budget (`onExceed: 'ask'`). */
export const BUDGET_INPUT_NAME = 'budget:approval';

/** The answer to `budget:approval`. Approving raises the limit by `tokens` / `cost` (default: the budget's own). */
export interface BudgetAnswer {
  approved: boolean;
  tokens?: number;
  cost?: number;
}

/** JSON Schema of `BudgetAnswer` (the workflow checks answers against it). */
export const BUDGET_ANSWER_SCHEMA = {
  type: 'object',
  properties: {
    approved: { type: 'boolean' },
    tokens: { type: 'number', minimum: 0 },
    cost: { type: 'number', minimum: 0 },
  },
  required: ['approved'],
  additionalProperties: false,
} as const;

/** The usage a Genkit model response reports (`response.usage`), or undefined when it reports none. */
export function callUsageOf(response: unknown, price: ModelPrice | undefined): CallUsage | undefined {
  const usage = (response as { usage?: Record<string, unknown> } | null | undefined)?.usage;
  if (!usage || typeof usage !== 'object') return undefined;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);
  const input = num(usage.inputTokens);
  const output = num(usage.outputTokens);
  const cached = num(usage.cachedContentTokens);
  if (input === undefined && output === undefined) return undefined;
  const call: CallUsage = { inputTokens: input ?? 0, outputTokens: output ?? 0 };
  if (cached !== undefined) call.cachedTokens = cached;
  if (price) call.cost = costOf(call, price);
  return call;
}

/** USD of one call: cached input at the cached price, the rest of the input at the input price, plus output. */
export function costOf(usage: Omit<CallUsage, 'cost'>, price: ModelPrice): number {
  const cached = Math.min(usage.cachedTokens ?? 0, usage.inputTokens);
  const usd =
    (usage.inputTokens - cached) * price.input +
    cached * (price.cached ?? price.input) +
    usage.outputTokens * price.output;
  return roundUsd(usd / 1_000_000);
}

/** Cost sums stay exact to a millionth of a cent (no binary-fraction drift in totals). */
function roundUsd(usd: number): number {
  return Math.round(usd * 1e8) / 1e8;
}

export function emptyTotals(): UsageTotals {
  return { calls: 0, inputTokens: 0, outputTokens: 0, cachedTokens: 0, cost: 0 };
}

export function emptyRunUsage(): RunUsage {
  return { paid: { ...emptyTotals(), byModel: {} }, replayed: { ...emptyTotals(), byModel: {} } };
}

function addTo(totals: UsageTotals, usage: CallUsage | undefined): void {
  totals.calls++;
  if (!usage) return;
  totals.inputTokens += usage.inputTokens;
  totals.outputTokens += usage.outputTokens;
  totals.cachedTokens += usage.cachedTokens ?? 0;
  if (usage.cost !== undefined) totals.cost = roundUsd(totals.cost + usage.cost);
  else totals.unpricedCalls = (totals.unpricedCalls ?? 0) + 1;
}

/** Counts one model call of `model` (with its usage, when it reported any) into `breakdown`. */
export function addCall(breakdown: UsageBreakdown, model: string, usage: CallUsage | undefined): void {
  addTo(breakdown, usage);
  addTo((breakdown.byModel[model] ??= emptyTotals()), usage);
}

/** Tokens a budget counts: input + output. */
export function tokensOf(totals: Pick<UsageTotals, 'inputTokens' | 'outputTokens'>): number {
  return totals.inputTokens + totals.outputTokens;
}

/** Which limit `spent` has reached, if any (a limit is reached when spending is at or above it). */
export function exceededLimit(
  spent: Pick<UsageTotals, 'inputTokens' | 'outputTokens' | 'cost'>,
  limit: BudgetLimit,
): 'tokens' | 'cost' | undefined {
  if (limit.tokens !== undefined && tokensOf(spent) >= limit.tokens) return 'tokens';
  if (limit.cost !== undefined && spent.cost >= limit.cost) return 'cost';
  return undefined;
}

/** The limit after an approval: raised by the answer's amounts, or by the budget's own when the answer names none. */
export function raisedLimit(limit: BudgetLimit, budget: BudgetLimit, answer: BudgetAnswer): BudgetLimit {
  const raise = (current: number | undefined, step: number | undefined, given: number | undefined) =>
    current === undefined ? undefined : current + (given ?? step ?? 0);
  return {
    tokens: raise(limit.tokens, budget.tokens, answer.tokens),
    cost: limit.cost === undefined ? undefined : roundUsd(raise(limit.cost, budget.cost, answer.cost)!),
  };
}

/** The budget errors and budget problems a caller can act on: invalid numbers are refused at start. */
export function budgetProblems(budget: FlowBudget | undefined): string[] {
  if (!budget) return [];
  const problems: string[] = [];
  for (const key of ['tokens', 'cost'] as const) {
    const v = budget[key];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0)) {
      problems.push(`budget.${key} must be a number ≥ 0`);
    }
  }
  if (budget.onExceed !== undefined && budget.onExceed !== 'ask' && budget.onExceed !== 'fail') {
    problems.push("budget.onExceed must be 'ask' or 'fail'");
  }
  return problems;
}
