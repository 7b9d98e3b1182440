// The start-time check of a worker's workflow code, on hand-made bundles shaped like Temporal's: it must fail
// only when `runGenkitFlow` is certainly missing, and never block a worker whose code it cannot load.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { assertExportsRunGenkitFlow, exportedWorkflowNames } from '../../../src/worker/workflow-exports';

/** A stand-in for a webpack bundle: defines `__TEMPORAL__.importWorkflows` like the real entry point. */
const bundle = (moduleBody: string) =>
  `var __TEMPORAL__ = { importWorkflows() { const exports = {}; ${moduleBody}; return exports; } };`;

afterEach(() => vi.restoreAllMocks());

describe('workflow export check', () => {
  it('lists the exported workflows', () => {
    expect(exportedWorkflowNames(bundle('exports.runGenkitFlow = () => 1; exports.mine = () => 2'))).toEqual([
      'runGenkitFlow',
      'mine',
    ]);
  });

  it('passes code that exports runGenkitFlow', () => {
    expect(() => assertExportsRunGenkitFlow(bundle('exports.runGenkitFlow = () => 1'), 'wf.js')).not.toThrow();
  });

  it('fails code without runGenkitFlow, naming the source and what it exports', () => {
    expect(() => assertExportsRunGenkitFlow(bundle('exports.mine = () => 1'), 'my/workflows.ts')).toThrow(
      expect.objectContaining({
        name: 'GenkitWorkflowNotExported',
        message: expect.stringMatching(/my\/workflows\.ts.*export \{ runGenkitFlow \}.*It exports: mine/s),
      }),
    );
  });

  it('only warns when the code cannot be loaded outside a workflow (no false failure)', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const throwsAtImport = bundle('throw new Error("workflowInfo() called outside a workflow")');
    expect(exportedWorkflowNames(throwsAtImport)).toBeUndefined();
    expect(() => assertExportsRunGenkitFlow(throwsAtImport, 'wf.js')).not.toThrow();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('could not load the workflow code (wf.js)'));
  });

  it('gives up on code that never finishes loading', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(exportedWorkflowNames(bundle('for (;;) {}'))).toBeUndefined();
  }, 15_000);
});
