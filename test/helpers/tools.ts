// Suites that need a tool outside Node (Terraform, Chromium, Python): on a developer's machine without it they
// skip, saying which tool is missing and why; with CI=true a missing tool is a failed test naming it, because a
// suite skipped in CI checks nothing while the run looks green.
import { describe, it, type TestOptions } from 'vitest';
import { isCi } from '../../scripts/test-summary.mjs';

type Describe = {
  (title: string, body: () => void): void;
  (title: string, options: TestOptions, body: () => void): void;
};

/**
 * `describe` when `missing` is undefined. When the tool is missing: the suite is skipped, with the tool and the
 * reason in its title; or, with CI=true, it holds one failing test that names the tool.
 *
 * @example
 * describeWithTool('Terraform', terraform ? undefined : 'no terraform or tofu CLI on PATH')('terraform checks', () => {
 *   it('formats', () => { … });
 * });
 */
export function describeWithTool(tool: string, missing: string | undefined): Describe {
  return (title: string, optionsOrBody: TestOptions | (() => void), maybeBody?: () => void) => {
    const [options, body] =
      typeof optionsOrBody === 'function' ? [{}, optionsOrBody] : [optionsOrBody, maybeBody ?? (() => undefined)];
    if (!missing) return describe(title, options, body);
    if (isCi())
      return describe(title, () => {
        it(`needs ${tool}`, () => {
          throw new Error(`${tool} is missing (${missing}); with CI=true a suite skipped for a missing tool fails`);
        });
      });
    console.warn(`[tests] SKIPPING "${title}": ${tool} is missing (${missing})`);
    describe.skip(`${title} (skipped: ${tool} is missing: ${missing})`, options, body);
  };
}
