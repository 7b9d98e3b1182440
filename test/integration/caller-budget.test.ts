// A caller's budget over a window, at the HTTP API on a real dev server: each run of this flow pays 110 tokens
// (its scripted model reports usage); with 200 tokens per caller per hour, a caller's second start is still
// accepted (110 spent), the third is a 429 naming the budget and starts nothing, and another caller is unaffected.
// A budget that cannot work is refused before anything starts.
import { z } from 'genkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { defineTemporalFlow, getTemporalClient } from '../../src';
import { bearerTokenAuth, createFlowApi } from '../../src/http';
import { ai } from '../fixtures/durable-flows';
import { USAGE_MODEL, USAGE_PRICES } from '../fixtures/usage-flows';
import { serveForTests } from '../helpers/http';
import { useWorker, waitFor } from '../helpers/temporal';

const budgetedFlow = defineTemporalFlow(
  ai,
  { name: 'callerBudgetedFlow', inputSchema: z.string(), temporal: { prices: USAGE_PRICES } },
  async (topic) => (await ai.generate({ model: USAGE_MODEL, prompt: `about ${topic}` })).text,
);

const worker = useWorker('caller-budget');
const tokens = { 'ana-token-0123456789': 'ana-budget', 'bob-token-0123456789': 'bob-budget' };
let url: (path: string) => string;

beforeAll(async () => {
  const api = createFlowApi({
    ...worker.opts(),
    flows: [budgetedFlow],
    auth: bearerTokenAuth({ tokens }),
    startOptions: { callerBudget: { window: '1h', tokens: 200 } },
  });
  url = (await serveForTests(api)).url;
});

const start = (token: string, topic: string) =>
  fetch(url('/flows/callerBudgetedFlow?wait=true'), {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ data: topic }),
  });

/** What visibility says a principal's runs have paid (the memo lags the run's end by a moment). */
async function paidTokens(principal: string): Promise<number> {
  const client = await getTemporalClient(worker.opts());
  let total = 0;
  for await (const run of client.workflow.list({ query: `GenkitPrincipal = "${principal}"` })) {
    const paid = (run.memo?.genkitUsage as { paid?: { inputTokens: number; outputTokens: number } } | undefined)?.paid;
    total += paid ? paid.inputTokens + paid.outputTokens : 0;
  }
  return total;
}

describe('a caller budget at the HTTP API', () => {
  it('accepts starts until the caller has spent it, then answers 429 and starts nothing; other callers go on', async () => {
    const first = await start('ana-token-0123456789', 'owls');
    expect(first.status).toBe(200);
    await waitFor(async () => (await paidTokens('ana-budget')) === 110, 20_000, "ana's first run in visibility");
    const second = await start('ana-token-0123456789', 'bats');
    expect(second.status).toBe(200);
    await waitFor(async () => (await paidTokens('ana-budget')) === 220, 20_000, "ana's second run in visibility");

    const refused = await start('ana-token-0123456789', 'cats');
    expect(refused.status).toBe(429);
    const body = (await refused.json()) as { status: string; message: string; details?: unknown };
    expect(body.status).toBe('RESOURCE_EXHAUSTED');
    expect(body.details).toMatchObject({
      reason: 'caller-budget',
      limit: { tokens: 200 },
      spent: { tokens: 220 },
    });
    const client = await getTemporalClient(worker.opts());
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await client.workflow.count('GenkitPrincipal = "ana-budget"')).count).toBe(2);

    expect((await start('bob-token-0123456789', 'owls')).status).toBe(200);
  });

  it('a budget that cannot work is refused before anything starts', () => {
    for (const callerBudget of [{ window: 'soon', tokens: 1 }, { window: '1h' }, { window: '1h', cost: -1 }]) {
      expect(() =>
        createFlowApi({ ...worker.opts(), flows: [budgetedFlow], startOptions: { callerBudget } as never }),
      ).toThrow(/callerBudget/);
    }
  });
});
