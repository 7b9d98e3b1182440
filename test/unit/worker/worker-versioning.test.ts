// The worker options Worker Versioning gives: a version with versioning on and the flows' default behaviour; a
// half-set or doubly set configuration refused; an unversioned worker's deployment label dropped.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WorkerOptions } from '@temporalio/worker';
import { withWorkerVersioning, WorkerVersioningConfigError } from '../../../src/worker/worker-versioning';

const base = { taskQueue: 'q' } as WorkerOptions;

describe('withWorkerVersioning', () => {
  afterEach(() => vi.restoreAllMocks());

  it('turns versioning on for the version, auto-upgrade by default', () => {
    expect(withWorkerVersioning(base, { deploymentName: ' flows ', buildId: 'rev-1' }).workerDeploymentOptions).toEqual(
      {
        version: { deploymentName: 'flows', buildId: 'rev-1' },
        useWorkerVersioning: true,
        defaultVersioningBehavior: 'AUTO_UPGRADE',
      },
    );
    expect(
      withWorkerVersioning(base, { deploymentName: 'flows', buildId: 'rev-1', defaultBehavior: 'pinned' })
        .workerDeploymentOptions?.defaultVersioningBehavior,
    ).toBe('PINNED');
  });

  it('refuses a missing or blank deployment name or build ID, a bad default, and versioning set twice', () => {
    for (const versioning of [
      { deploymentName: 'flows', buildId: '' },
      { deploymentName: 'flows', buildId: '  ' },
      { deploymentName: '', buildId: 'rev-1' },
      { deploymentName: 'flows' } as { deploymentName: string; buildId: string },
      { deploymentName: 'flows', buildId: 'rev-1', defaultBehavior: 'sticky' as 'pinned' },
    ]) {
      expect(() => withWorkerVersioning(base, versioning), JSON.stringify(versioning)).toThrow(
        WorkerVersioningConfigError,
      );
    }
    const twice = {
      ...base,
      workerDeploymentOptions: {
        version: { deploymentName: 'flows', buildId: 'rev-1' },
        useWorkerVersioning: true,
        defaultVersioningBehavior: 'PINNED',
      },
    } as WorkerOptions;
    expect(() => withWorkerVersioning(twice, { deploymentName: 'flows', buildId: 'rev-1' })).toThrow(
      WorkerVersioningConfigError,
    );
    expect(withWorkerVersioning(twice, undefined)).toBe(twice); // versioning on by hand: left as it is
  });

  it('drops the deployment label of an unversioned worker, with a warning; leaves a worker without one alone', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const labelled = {
      ...base,
      workerDeploymentOptions: { version: { deploymentName: 'flows', buildId: 'rev-1' }, useWorkerVersioning: false },
    } as WorkerOptions;
    expect(withWorkerVersioning(labelled, undefined)).toEqual(base);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(withWorkerVersioning(base, undefined)).toBe(base);
    expect(warn).toHaveBeenCalledTimes(1);
  });
});
