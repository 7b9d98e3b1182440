// Parsing of the backlog answers: int64 counts as Long / number / string, and the ENHANCED-mode shape that servers
// before 1.28 answer with (the dev server here answers in DEFAULT mode, so this path is checked on a decoded reply).
import { temporal } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { enhancedBacklog, toNumber } from '../../../src/autoscale/queue-load';

const { DescribeTaskQueueResponse } = temporal.api.workflowservice.v1;

describe('backlog parsing', () => {
  it('reads int64 counts in every form protobuf gives them', () => {
    const decoded = DescribeTaskQueueResponse.fromObject({ stats: { approximateBacklogCount: '20' } });
    expect(typeof decoded.stats!.approximateBacklogCount).toBe('object'); // a Long
    expect(toNumber(decoded.stats!.approximateBacklogCount)).toBe(20);
    expect(toNumber(7)).toBe(7);
    expect(toNumber('12')).toBe(12);
    expect(toNumber(null)).toBe(0);
    expect(toNumber(undefined)).toBe(0);
    expect(() => toNumber({})).toThrow(TypeError);
  });

  it('finds the unversioned queue per type in an ENHANCED-mode answer', () => {
    const res = DescribeTaskQueueResponse.fromObject({
      versionsInfo: {
        '': {
          typesInfo: {
            '1': { stats: { approximateBacklogCount: '20' } },
            '2': { stats: { approximateBacklogCount: 3 } },
          },
        },
        'build-7': { typesInfo: { '1': { stats: { approximateBacklogCount: 99 } } } },
      },
    });
    expect(enhancedBacklog(res, 1)).toBe(20);
    expect(enhancedBacklog(res, 2)).toBe(3);
    expect(enhancedBacklog(DescribeTaskQueueResponse.fromObject({}), 1)).toBe(0);
  });
});
