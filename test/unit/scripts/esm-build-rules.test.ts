// The ESM build's guard (scripts/esm-build-rules.mjs, run by build-esm.mjs on every build): code that cannot run
// as an ES module fails the build, named by its source, instead of failing silently in users' ESM apps.
import { describe, expect, it } from 'vitest';
import { esmBuildProblems } from '../../../scripts/esm-build-rules.mjs';

const chunk = (source: string, code: string) => `// ${source}\n${code}\n`;

describe('ESM build rules', () => {
  it('names the source of every __dirname / __filename reference', () => {
    const code =
      chunk('src/a.ts', 'const p = join(__dirname, "x.js");') +
      chunk('src/b.ts', 'try { createRequire(__filename)("genkit"); } catch {}');
    expect(esmBuildProblems(code).map((p) => [p.source, p.match])).toEqual([
      ['src/a.ts', '__dirname'],
      ['src/b.ts', '__filename'],
    ]);
  });

  it("finds require() of genkit (its CommonJS build), also through esbuild's __require shim", () => {
    const code =
      chunk('src/t.ts', '__require("genkit/tracing").disableOTelRootSpanDetection();') +
      chunk('src/u.ts', "const g = require('@genkit-ai/core');");
    expect(esmBuildProblems(code).map((p) => [p.source, p.match])).toEqual([
      ['src/t.ts', '__require("genkit/tracing")'],
      ['src/u.ts', "require('@genkit-ai/core')"],
    ]);
  });

  it('allows what the banner provides: require of CommonJS-only packages, require.resolve and require.cache', () => {
    const code = chunk(
      'src/ok.ts',
      'const otel = __require("@temporalio/interceptors-opentelemetry"); const cjs = __require.cache[__require.resolve("genkit")];',
    );
    expect(esmBuildProblems(code)).toEqual([]);
  });
});
