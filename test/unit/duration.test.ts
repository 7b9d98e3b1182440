import { describe, expect, it } from 'vitest';
import { durationToMs } from '../../src/duration';

describe('durationToMs', () => {
  it('reads numbers as ms and Temporal duration strings', () => {
    expect(durationToMs(250)).toBe(250);
    expect(durationToMs('1.5s')).toBe(1_500);
    expect(durationToMs('2 minutes')).toBe(120_000);
    expect(durationToMs('1h')).toBe(3_600_000);
  });

  it('rejects what it cannot parse', () => {
    expect(() => durationToMs('soon' as never)).toThrow(TypeError);
    expect(() => durationToMs('' as never)).toThrow(TypeError);
  });
});
