// A front door's fairness settings: the caller's key (or a claim's, or a function's), its weight from the options
// or GENKITX_FAIRNESS_WEIGHTS, the priority per flow or per request (bounded), and malformed settings refused when
// the front door is made, naming the variable or option.
import { describe, expect, it } from 'vitest';
import { assertPriority, requestedPriority, resolveFairness } from '../../../src/client/fairness';
import { onCallFlow, onCallFlowRun } from '../../../src/firebase';
import { createFlowApi, flowWebhook, githubWebhook } from '../../../src/http';

const alice = { id: 'alice', claims: { tenant: 'acme' } };

describe('resolveFairness', () => {
  it("keys by the caller's id, with the configured weight; no caller, no key", () => {
    const f = resolveFairness({ weights: { alice: 2 } }, {});
    expect(f.priorityFor(alice, 'flow')).toEqual({ fairnessKey: 'alice', fairnessWeight: 2 });
    expect(f.priorityFor({ id: 'bob' }, 'flow')).toEqual({ fairnessKey: 'bob' });
    expect(f.priorityFor(undefined, 'flow')).toBeUndefined();
    expect(f.priorityFor(undefined, 'flow', { priorityKey: 4 })).toEqual({ priorityKey: 4 });
  });

  it('reads weights and the keying claim from the environment when the options do not give them', () => {
    const env = { GENKITX_FAIRNESS_WEIGHTS: '{"acme": 3, "bob": 0.5}', GENKITX_FAIRNESS_BY_CLAIM: 'tenant' };
    const f = resolveFairness(undefined, env);
    expect(f.priorityFor(alice, 'flow')).toEqual({ fairnessKey: 'acme', fairnessWeight: 3 });
    // A caller without the claim (or with a non-string one) is its own key.
    expect(f.priorityFor({ id: 'bob', claims: { tenant: 7 } }, 'flow')).toEqual({
      fairnessKey: 'bob',
      fairnessWeight: 0.5,
    });
    // Given weights replace the environment's.
    expect(resolveFairness({ weights: {} }, env).priorityFor(alice, 'flow')).toEqual({ fairnessKey: 'acme' });
  });

  it("the caller's key replaces a fixed key of the start options, with that key's weight", () => {
    const f = resolveFairness({}, {});
    const base = { priorityKey: 2, fairnessKey: 'fixed', fairnessWeight: 9 };
    expect(f.priorityFor(alice, 'flow', base)).toEqual({ priorityKey: 2, fairnessKey: 'alice' });
    expect(resolveFairness(false, {}).priorityFor(alice, 'flow', base)).toEqual(base);
  });

  it('a key function may derive the key (a plan), or return none (the shared group)', () => {
    const f = resolveFairness({ key: (c) => (c.id === 'anon' ? '' : `plan:${String(c.claims?.plan ?? 'free')}`) }, {});
    expect(f.priorityFor({ id: 'x', claims: { plan: 'pro' } }, 'flow')).toEqual({ fairnessKey: 'plan:pro' });
    expect(f.priorityFor({ id: 'anon' }, 'flow')).toBeUndefined();
  });

  it('keys longer than 64 bytes become a stable hash of 64 bytes or less, and keep their weight', () => {
    const long = `user-${'é'.repeat(40)}`;
    const f = resolveFairness({ weights: { [long]: 5 } }, {});
    const a = f.priorityFor({ id: long }, 'flow')!;
    expect(Buffer.byteLength(a.fairnessKey!)).toBeLessThanOrEqual(64);
    expect(a).toEqual({ fairnessKey: expect.stringMatching(/^sha256-/), fairnessWeight: 5 });
    expect(f.priorityFor({ id: long }, 'flow')).toEqual(a);
    expect(f.priorityFor({ id: `${long}x` }, 'flow')!.fairnessKey).not.toBe(a.fairnessKey);
  });

  it('priority: per flow, else the start options; a request may yield, not pass highestRequestPriority', () => {
    const f = resolveFairness({ priorityByFlow: { urgent: 1 }, highestRequestPriority: 2 }, {});
    expect(f.priorityFor(undefined, 'urgent', { priorityKey: 4 })).toEqual({ priorityKey: 1 });
    expect(f.priorityFor(undefined, 'other', { priorityKey: 4 })).toEqual({ priorityKey: 4 });
    expect(f.priorityFor(undefined, 'urgent', undefined, 5)).toEqual({ priorityKey: 5 });
    expect(f.priorityFor(undefined, 'other', undefined, 1)).toEqual({ priorityKey: 2 });
    // Default: no request gets ahead of Temporal's default level 3.
    expect(resolveFairness({}, {}).priorityFor(undefined, 'other', undefined, 1)).toEqual({ priorityKey: 3 });
  });

  it('malformed settings throw at resolution, naming the variable or option', () => {
    for (const raw of ['premium=5', '[1,2]', '{"a":"5"}', '{"a":0}', '{"a":1001}', 'null']) {
      expect(() => resolveFairness(undefined, { GENKITX_FAIRNESS_WEIGHTS: raw }), raw).toThrow(
        /GENKITX_FAIRNESS_WEIGHTS/,
      );
    }
    expect(() => resolveFairness(undefined, { GENKITX_FAIRNESS_WEIGHTS: ' ' })).not.toThrow();
    expect(() => resolveFairness({ weights: { a: -1 } }, {})).toThrow(/fairness\.weights\["a"\]/);
    expect(() => resolveFairness({ priorityByFlow: { f: 0 } }, {})).toThrow(/fairness\.priorityByFlow\["f"\]/);
    expect(() => resolveFairness({ highestRequestPriority: 6 }, {})).toThrow(/fairness\.highestRequestPriority/);
  });
});

describe('request and start priorities', () => {
  it('a request priority is a level from 1 to 5, else INVALID_ARGUMENT naming `priority`', () => {
    expect(requestedPriority(undefined)).toBeUndefined();
    expect(requestedPriority('5')).toBe(5);
    for (const bad of ['', '0', '6', '1.5', 'x', ' 2', '-1', '007']) {
      expect(() => requestedPriority(bad), bad).toThrow(
        expect.objectContaining({ status: 'INVALID_ARGUMENT', message: expect.stringContaining('`priority`') }),
      );
    }
  });

  it("a start's priority option is checked field by field", () => {
    expect(() => assertPriority({ priorityKey: 1, fairnessKey: 'k', fairnessWeight: 1000 })).not.toThrow();
    const bad: [unknown, string][] = [
      [{ priorityKey: 0 }, 'priority.priorityKey'],
      [{ priorityKey: 2.5 }, 'priority.priorityKey'],
      [{ fairnessKey: 'k'.repeat(65) }, 'priority.fairnessKey'],
      [{ fairnessWeight: 0 }, 'priority.fairnessWeight'],
      [{ fairnessWeight: Number.NaN }, 'priority.fairnessWeight'],
    ];
    for (const [priority, field] of bad) {
      expect(() => assertPriority(priority as never), field).toThrow(
        expect.objectContaining({ status: 'INVALID_ARGUMENT', message: expect.stringContaining(field) }),
      );
    }
  });
});

describe('front doors refuse malformed fairness settings when they are made', () => {
  it('createFlowApi, flowWebhook and the callables throw naming GENKITX_FAIRNESS_WEIGHTS', () => {
    const saved = process.env.GENKITX_FAIRNESS_WEIGHTS;
    process.env.GENKITX_FAIRNESS_WEIGHTS = '{"premium": "lots"}';
    try {
      expect(() => createFlowApi({ flows: [] })).toThrow(/GENKITX_FAIRNESS_WEIGHTS.*"premium"/);
      expect(() => flowWebhook('f', { verify: githubWebhook('a-webhook-secret') })).toThrow(/GENKITX_FAIRNESS_WEIGHTS/);
      // A callable when it is made (the module loads), not as a bare `internal` on each request.
      expect(() => onCallFlow('f')).toThrow(/GENKITX_FAIRNESS_WEIGHTS/);
      expect(() => onCallFlowRun()).toThrow(/GENKITX_FAIRNESS_WEIGHTS/);
      // Given weights win over the variable, so a front door configured in code is not affected.
      expect(() => createFlowApi({ flows: [], fairness: { weights: {} } })).not.toThrow();
    } finally {
      if (saved === undefined) delete process.env.GENKITX_FAIRNESS_WEIGHTS;
      else process.env.GENKITX_FAIRNESS_WEIGHTS = saved;
    }
  });
});
