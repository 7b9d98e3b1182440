// The usage and budget math: what a response reports, what it costs, how totals add up and when a budget is reached.
import { describe, expect, it } from 'vitest';
import {
  addCall,
  budgetProblems,
  callUsageOf,
  costOf,
  emptyRunUsage,
  exceededLimit,
  raisedLimit,
  tokensOf,
} from '../../../src/common/usage';

const FLASH = { input: 0.3, output: 2.5, cached: 0.075 };

describe('callUsageOf', () => {
  it("reads Genkit's usage fields and prices the call", () => {
    const response = { usage: { inputTokens: 1_000, outputTokens: 200, cachedContentTokens: 400, totalTokens: 1_200 } };
    // 600 uncached input at 0.3, 400 cached at 0.075, 200 output at 2.5, per million.
    expect(callUsageOf(response, FLASH)).toEqual({
      inputTokens: 1_000,
      outputTokens: 200,
      cachedTokens: 400,
      cost: (600 * 0.3 + 400 * 0.075 + 200 * 2.5) / 1e6,
    });
  });

  it('leaves the cost out for a model without a price, and the call out when nothing is reported', () => {
    expect(callUsageOf({ usage: { inputTokens: 5, outputTokens: 7 } }, undefined)).toEqual({
      inputTokens: 5,
      outputTokens: 7,
    });
    expect(callUsageOf({ message: {} }, FLASH)).toBeUndefined();
    expect(callUsageOf({ usage: { inputCharacters: 12 } }, FLASH)).toBeUndefined();
    expect(callUsageOf({ usage: { inputTokens: -3, outputTokens: Number.NaN } }, FLASH)).toBeUndefined();
  });
});

describe('costOf', () => {
  it('prices cached input at the input price when the table has no cached price', () => {
    expect(costOf({ inputTokens: 1_000_000, outputTokens: 0, cachedTokens: 500_000 }, { input: 1, output: 4 })).toBe(1);
  });

  it('never counts more cached tokens than input tokens', () => {
    expect(costOf({ inputTokens: 10, outputTokens: 0, cachedTokens: 50 }, { input: 1e6, output: 0, cached: 0 })).toBe(
      0,
    );
  });

  it('adds up without binary-fraction drift', () => {
    const usage = emptyRunUsage();
    for (let i = 0; i < 10; i++) addCall(usage.paid, 'm', { inputTokens: 1, outputTokens: 0, cost: 0.1 });
    expect(usage.paid.cost).toBe(1);
  });
});

describe('addCall', () => {
  it('totals calls, tokens and cost, overall and by model; unpriced calls are counted apart', () => {
    const usage = emptyRunUsage();
    addCall(usage.paid, 'a', { inputTokens: 10, outputTokens: 5, cachedTokens: 2, cost: 0.01 });
    addCall(usage.paid, 'b', { inputTokens: 3, outputTokens: 4 });
    addCall(usage.paid, 'a', undefined);
    expect(usage.paid).toMatchObject({ calls: 3, inputTokens: 13, outputTokens: 9, cachedTokens: 2, cost: 0.01 });
    expect(usage.paid.unpricedCalls).toBe(1);
    expect(usage.paid.byModel.a).toMatchObject({ calls: 2, inputTokens: 10, outputTokens: 5, cost: 0.01 });
    expect(usage.paid.byModel.b).toMatchObject({ calls: 1, inputTokens: 3, unpricedCalls: 1 });
    expect(tokensOf(usage.paid)).toBe(22);
    expect(usage.replayed.calls).toBe(0);
  });
});

describe('budgets', () => {
  const spent = (tokens: number, cost = 0) => ({ inputTokens: tokens, outputTokens: 0, cost });

  it('is reached at the limit, not only above it, for tokens or cost', () => {
    expect(exceededLimit(spent(99), { tokens: 100 })).toBeUndefined();
    expect(exceededLimit(spent(100), { tokens: 100 })).toBe('tokens');
    expect(exceededLimit(spent(0, 0.5), { tokens: 100, cost: 0.5 })).toBe('cost');
    expect(exceededLimit(spent(10_000, 10), {})).toBeUndefined();
  });

  it("an approval raises the limit by the answer's amounts, else by the budget's own", () => {
    const budget = { tokens: 100, cost: 0.2 };
    expect(raisedLimit({ tokens: 100, cost: 0.2 }, budget, { approved: true })).toEqual({ tokens: 200, cost: 0.4 });
    expect(raisedLimit({ tokens: 200, cost: 0.4 }, budget, { approved: true, tokens: 50, cost: 0.1 })).toEqual({
      tokens: 250,
      cost: 0.5,
    });
    // A limit the budget does not set stays unset.
    expect(raisedLimit({ tokens: 100 }, { tokens: 100 }, { approved: true, cost: 1 })).toEqual({
      tokens: 200,
      cost: undefined,
    });
  });

  it('refuses invalid budgets', () => {
    expect(budgetProblems({ tokens: 10, cost: 0.5, onExceed: 'fail' })).toEqual([]);
    expect(budgetProblems({ tokens: -1 })).toHaveLength(1);
    expect(budgetProblems({ cost: Number.POSITIVE_INFINITY })).toHaveLength(1);
    expect(budgetProblems({ onExceed: 'warn' as never })).toHaveLength(1);
  });
});
