// The seal that lets a worker skip loading a prebuilt bundle to check its exports: it must hold only for the exact
// code it was made for, keep Temporal's inline source map intact, and never turn a failing check into a pass.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sealedWorkflowNames, sealWorkflowBundle } from '../../../src/worker/workflow-bundle-seal';
import { assertExportsRunGenkitFlow } from '../../../src/worker/workflow-exports';

const sourceMap = Buffer.from(JSON.stringify({ version: 3, file: 'bundle.js', mappings: 'AAAA' })).toString('base64');
const SOURCE_MAP = `//# sourceMappingURL=data:application/json;charset=utf-8;base64,${sourceMap}`;
/** Shaped like Temporal's bundles: the workflow entry, then the inline source map as the last line. */
const bundle = (moduleBody: string) =>
  `var __TEMPORAL__ = { importWorkflows() { const exports = {}; ${moduleBody}; return exports; } };\n${SOURCE_MAP}`;
const exportingRunGenkitFlow = bundle('exports.runGenkitFlow = () => 1; exports.mine = () => 2');

/** What Temporal's worker reads back from a bundle (worker.js `extractSourceMap`). */
const inlineSourceMap = (code: string) =>
  Buffer.from(code.slice(code.indexOf('base64,', code.lastIndexOf('//# sourceMappingURL=data:')) + 7), 'base64');

afterEach(() => vi.restoreAllMocks());

describe('workflow bundle seal', () => {
  it('records the exported names and gives them back for the same code', () => {
    const sealed = sealWorkflowBundle(exportingRunGenkitFlow, ['runGenkitFlow', 'mine']);
    expect(sealed).not.toBe(exportingRunGenkitFlow);
    expect(sealedWorkflowNames(sealed)).toEqual(['runGenkitFlow', 'mine']);
    expect(sealedWorkflowNames(exportingRunGenkitFlow)).toBeUndefined(); // never sealed
  });

  it('keeps the source map last and unchanged, and the code before the seal unchanged', () => {
    const sealed = sealWorkflowBundle(exportingRunGenkitFlow, ['runGenkitFlow']);
    expect(sealed.endsWith(SOURCE_MAP)).toBe(true);
    expect(inlineSourceMap(sealed)).toEqual(inlineSourceMap(exportingRunGenkitFlow));
    const code = exportingRunGenkitFlow.slice(0, exportingRunGenkitFlow.indexOf(SOURCE_MAP));
    expect(sealed.startsWith(code)).toBe(true);
  });

  it('does not hold for edited code, a moved seal or a forged hash', () => {
    const sealed = sealWorkflowBundle(exportingRunGenkitFlow, ['runGenkitFlow']);
    expect(sealedWorkflowNames(sealed.replace('() => 1', '() => 7'))).toBeUndefined();
    expect(sealedWorkflowNames(sealed.replace(SOURCE_MAP, `console.log(1);\n${SOURCE_MAP}`))).toBeUndefined();
    expect(sealedWorkflowNames(sealed.replace(/sha256=[0-9a-f]{64}/, `sha256=${'0'.repeat(64)}`))).toBeUndefined();
    expect(sealedWorkflowNames(sealed.replace('exports=runGenkitFlow', 'exports=run Genkit'))).toBeUndefined();
  });

  it('leaves code without an inline source map (not a Temporal bundle) as it is', () => {
    const code = 'var __TEMPORAL__ = {};';
    expect(sealWorkflowBundle(code, ['runGenkitFlow'])).toBe(code);
    expect(sealedWorkflowNames(code)).toBeUndefined();
  });

  it('judges a sealed bundle by its seal: a seal without runGenkitFlow fails the check', () => {
    const sealed = sealWorkflowBundle(bundle('exports.mine = () => 1'), ['mine']);
    expect(() => assertExportsRunGenkitFlow(sealed, 'sealed.js')).toThrow(
      expect.objectContaining({ name: 'GenkitWorkflowNotExported', message: expect.stringContaining('exports: mine') }),
    );
    // The seal is what is read: code that is never loaded is not run (this one would throw if it were).
    const unloadable = sealWorkflowBundle(bundle('throw new Error("loaded")'), ['runGenkitFlow']);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(() => assertExportsRunGenkitFlow(unloadable, 'sealed.js')).not.toThrow();
    expect(warn).not.toHaveBeenCalled();
  });

  it('checks the code itself when the seal does not match: a forged seal cannot hide a missing runGenkitFlow', () => {
    const lacking = bundle('exports.mine = () => 1');
    const forged = sealWorkflowBundle(exportingRunGenkitFlow, ['runGenkitFlow']).replace(
      exportingRunGenkitFlow.slice(0, exportingRunGenkitFlow.indexOf('\n')),
      lacking.slice(0, lacking.indexOf('\n')),
    );
    expect(sealedWorkflowNames(forged)).toBeUndefined();
    expect(() => assertExportsRunGenkitFlow(forged, 'forged.js')).toThrow(
      expect.objectContaining({ name: 'GenkitWorkflowNotExported' }),
    );
  });
});
