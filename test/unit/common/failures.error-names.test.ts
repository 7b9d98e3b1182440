// One naming convention for the library's error classes: class `XError` declares `override readonly name =
// 'XError'`. What callers decide on is a failure type from `FailureTypes` (for failures that cross Temporal) or
// the class itself; a class's name is never a failure type. The exceptions keep names that docs and users already
// match on, or stand in for another library's class.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FailureTypes } from '../../../src/common/failures';

const src = join(__dirname, '../../../src');

/** Class → the name it keeps although the convention says otherwise, and why. */
const KEPT: Record<string, string> = {
  // Callers' errors that are GenkitErrors to Genkit-aware code: they keep the inherited name 'GenkitError' (Genkit's
  // own ValidationError does too).
  FlowRunError: 'GenkitError',
  ValidationError: 'GenkitError',
  // Documented (README, docs/security.md, cloudrun/worker/README.md) and shown by the consumer matrix.
  FlowNotJournaledError: 'FlowNotJournaled',
  WorkflowNotExportedError: 'GenkitWorkflowNotExported',
  WorkflowBundleConverterError: 'GenkitWorkflowBundleConverterMismatch',
  // The abort reason flow code sees on its signal when the worker stops (public from genkitx-temporal/activities).
  WorkerShutdownAbort: 'WorkerShuttingDown',
  // Stands in for Genkit's own GenkitError where genkit is not installed.
  GenkitErrorStandIn: 'GenkitError',
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Every class in src/ that extends an Error class, with the `name` it declares (if any) and how. */
function errorClasses() {
  const found: Array<{ file: string; cls: string; body: string }> = [];
  for (const file of sourceFiles(src)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^(?:export )?class (\w+) extends (\w*Error)\b[^{]*\{([\s\S]*?)^\}/gm)) {
      found.push({ file: relative(src, file), cls: m[1], body: m[3] });
    }
  }
  return found;
}

describe('error class names', () => {
  const classes = errorClasses();

  it('finds the error classes', () => {
    expect(classes.length).toBeGreaterThanOrEqual(25);
  });

  it.each(errorClasses().map((c) => [c.cls, c.file, c.body] as const))(
    '%s (%s) is named by the convention',
    (cls, _file, body) => {
      if (cls in KEPT) {
        if (KEPT[cls] === 'GenkitError' && cls !== 'GenkitErrorStandIn') expect(body).not.toMatch(/\bname =/);
        else expect(body).toMatch(new RegExp(`(override readonly name = |this\\.name = )'${KEPT[cls]}'`));
        return;
      }
      expect(cls).toMatch(/Error$/);
      expect(body).toContain(`override readonly name = '${cls}';`);
      expect(body).not.toMatch(/this\.name =/);
    },
  );

  it('no class name is a failure type (those are decided on through FailureTypes)', () => {
    const types = new Set<string>(Object.values(FailureTypes));
    const names = classes.map((c) => KEPT[c.cls] ?? c.cls);
    expect(names.filter((n) => types.has(n) && n !== 'GenkitError')).toEqual(['WorkerShuttingDown']);
  });
});
