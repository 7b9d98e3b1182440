// Durations and retry arithmetic for the workflow sandbox (src/common/retry-math.ts), checked against Temporal's own parser.
import { readFileSync } from 'node:fs';
// eslint-disable-next-line no-restricted-imports -- the reference this file's parser is checked against
import { msToNumber } from '@temporalio/common/lib/time';
import { describe, expect, it } from 'vitest';
import { backoffMs as backoffFromErrors } from '../../../src/common/errors';
import { backoffMs, msFromDuration, parseDuration, validateRetryPolicy } from '../../../src/common/retry-math';
import type { DurationLike, FlowRetryPolicy } from '../../../src/common/types';

/** What Temporal makes of a duration: its number, or 'throws'. */
function temporal(duration: unknown): number | 'throws' {
  try {
    return msToNumber(duration as DurationLike);
  } catch {
    return 'throws';
  }
}
function ours(duration: unknown): number | 'throws' {
  try {
    return msFromDuration(duration as DurationLike);
  } catch (err) {
    expect(err).toBeInstanceOf(TypeError);
    return 'throws';
  }
}

const ACCEPTED = [
  '1s',
  '5 minutes',
  '100ms',
  '100',
  '1.5h',
  '.5s',
  '-1s',
  '-.25 days',
  '2 Days',
  '3 HOURS',
  '10   sec',
  '1 ',
  '1y',
  '2 yrs',
  '1 yr',
  '1.5 weeks',
  '1w',
  '3 week',
  '4 mins',
  '4 min',
  '5 msecs',
  '5 msec',
  '5 millisecond',
  '7 milliseconds',
  '9 hr',
  '9 hrs',
  '1 second',
  '0',
  '0s',
  '007s',
  '1'.repeat(100),
];
const REFUSED = [
  '',
  ' 1s',
  '1.',
  '1e3',
  '+1s',
  '1 fortnight',
  '1 wk',
  's',
  '1s ',
  '1_000',
  '1,5s',
  '1\ts',
  '1'.repeat(101),
  '--1',
];

describe('msFromDuration agrees with Temporal msToNumber', () => {
  it.each(ACCEPTED)('accepts %j with the same value', (input) => {
    const expected = temporal(input);
    expect(expected).not.toBe('throws');
    expect(ours(input)).toBe(expected);
  });

  it.each(REFUSED)('refuses %j as Temporal does', (input) => {
    expect(temporal(input)).toBe('throws');
    expect(ours(input)).toBe('throws');
  });

  it.each([0, 1, 250, 1.5, -3, 2 ** 40])('passes the number %d through as milliseconds', (n) => {
    expect(ours(n)).toBe(temporal(n));
  });

  it('refuses NaN, Infinity and non-durations (where Temporal would pass NaN on)', () => {
    for (const bad of [NaN, Infinity, -Infinity, null, undefined, {}, ['1s'], true]) {
      expect(ours(bad)).toBe('throws');
      expect(parseDuration(bad)).toBeUndefined();
    }
  });

  it('names the bad value in the error', () => {
    expect(() => msFromDuration('5 fortnights' as DurationLike)).toThrow('Invalid duration: "5 fortnights"');
  });
});

describe('retry-math stays sandbox-safe', () => {
  it('imports types only, and values only from the defaults, which import only the status table, which imports nothing', () => {
    const source = readFileSync(new URL('../../../src/common/retry-math.ts', import.meta.url), 'utf8');
    const imports = source.split('\n').filter((line) => /^\s*(import|export)\b.*\bfrom\b/.test(line));
    expect(imports.length).toBeGreaterThan(0);
    for (const line of imports) {
      expect(line).toMatch(/^import type .* from '\.\/(types|defaults)';$|^import \{[^}]*\} from '\.\/defaults';$/);
    }
    expect(source).not.toMatch(/\brequire\(|\bimport\(/);
    const defaults = readFileSync(new URL('../../../src/common/defaults.ts', import.meta.url), 'utf8');
    const defaultsImports = defaults.split('\n').filter((line) => /^\s*(import|export)\b.*\bfrom\b/.test(line));
    expect(defaultsImports).toEqual(["import { NON_RETRYABLE_STATUSES } from './genkit-status';"]);
    expect(defaults).not.toMatch(/\brequire\(|\bimport\(/);
    const statuses = readFileSync(new URL('../../../src/common/genkit-status.ts', import.meta.url), 'utf8');
    expect(statuses).not.toMatch(/^\s*(import|export)\b.*\bfrom\b|\brequire\(|\bimport\(/m);
  });
});

describe('backoffMs', () => {
  const policy: Required<FlowRetryPolicy> = {
    maximumAttempts: 10,
    initialInterval: '500ms',
    backoffCoefficient: 3,
    maximumInterval: '10 seconds',
  };

  it('grows by the coefficient and stops at maximumInterval', () => {
    expect([1, 2, 3, 4, 5].map((a) => backoffMs(policy, a))).toEqual([500, 1500, 4500, 10_000, 10_000]);
  });

  it('is still exported from errors.ts', () => {
    expect(backoffFromErrors).toBe(backoffMs);
  });
});

describe('validateRetryPolicy', () => {
  it('accepts the defaults, a partial policy and an empty one', () => {
    expect(
      validateRetryPolicy({ maximumAttempts: 5, initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '60s' }),
    ).toEqual([]);
    expect(validateRetryPolicy({ maximumAttempts: 1 })).toEqual([]);
    expect(validateRetryPolicy({ initialInterval: 100, maximumInterval: 100, backoffCoefficient: 1 })).toEqual([]);
    expect(validateRetryPolicy({})).toEqual([]);
  });

  it.each([0, -1, 1.5, Infinity, NaN, 2 ** 60])(
    'refuses maximumAttempts %d (0 would mean unlimited to Temporal)',
    (n) => {
      expect(validateRetryPolicy({ maximumAttempts: n })).toEqual([
        `retry.maximumAttempts must be an integer >= 1, got ${n}`,
      ]);
    },
  );

  it('refuses maximumAttempts of the wrong type', () => {
    expect(validateRetryPolicy({ maximumAttempts: '3' as unknown as number })).toHaveLength(1);
  });

  it.each([0.5, 0, -2, NaN, Infinity])('refuses backoffCoefficient %d', (c) => {
    expect(validateRetryPolicy({ backoffCoefficient: c })).toEqual([
      `retry.backoffCoefficient must be a finite number >= 1, got ${c}`,
    ]);
  });

  it.each<[unknown, string]>([
    [0, '0'],
    ['0s', '"0s"'],
    [-5, '-5'],
    ['-1s', '"-1s"'],
    ['soon', '"soon"'],
    [NaN, 'NaN'],
  ])('refuses interval %j', (value, shown) => {
    for (const field of ['initialInterval', 'maximumInterval'] as const) {
      expect(validateRetryPolicy({ [field]: value as DurationLike })).toEqual([
        `retry.${field} must be a positive duration such as '1s' or 500, got ${shown}`,
      ]);
    }
  });

  it('refuses a maximumInterval shorter than initialInterval', () => {
    expect(validateRetryPolicy({ initialInterval: '1 minute', maximumInterval: '30s' })).toEqual([
      `retry.maximumInterval ("30s") must not be shorter than retry.initialInterval ("1 minute")`,
    ]);
  });

  it('reports every problem at once', () => {
    expect(
      validateRetryPolicy({
        maximumAttempts: 0,
        backoffCoefficient: 0,
        initialInterval: 'x' as DurationLike,
        maximumInterval: -1,
      }),
    ).toHaveLength(4);
  });
});
