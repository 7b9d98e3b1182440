// A prebuilt workflow bundle carries the result of its export check, sealed to its code. `bundleFlowWorkflows`
// loads the bundle once at build time (the same check the worker plugin would run), and writes the workflow names
// it exports into a comment line bound to the code by its SHA-256. A worker starting from that bundle then hashes
// the code (a few ms) instead of evaluating it in a fresh V8 context (about a tenth of a second of a cold start,
// on the main thread, before Temporal even reads the bundle). Edited code no longer matches its seal and is simply
// checked the slow way again: the seal saves time, never a check.
import { createHash } from 'node:crypto';

/** Temporal reads the inline source map from the last comment of this form; the seal goes right before it. */
const SOURCE_MAP_COMMENT = '//# sourceMappingURL=data:';
const SEAL_PREFIX = '//# genkitx-temporal-workflows ';
const SEAL_LINE = /^\/\/# genkitx-temporal-workflows sha256=([0-9a-f]{64}) exports=([\w$,]*)\n/;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The bundle with a seal recording `names` as its exported workflows. The seal line goes just before the inline
 * source map comment, after the code, so no source-mapped line moves. Bundles without that comment (not
 * Temporal's) are returned unchanged.
 * @example
 * ```ts
 * const sealed = sealWorkflowBundle(code, exportedWorkflowNames(code)!);
 * sealedWorkflowNames(sealed); // ['runGenkitFlow', …]
 * ```
 */
export function sealWorkflowBundle(code: string, names: readonly string[]): string {
  const sourceMapAt = code.lastIndexOf(SOURCE_MAP_COMMENT);
  if (sourceMapAt < 0) return code;
  const body = code.slice(0, sourceMapAt);
  const separator = body.endsWith('\n') ? '' : '\n';
  const sealed = body + separator;
  return `${sealed}${SEAL_PREFIX}sha256=${sha256(sealed)} exports=${names.join(',')}\n${code.slice(sourceMapAt)}`;
}

/**
 * The workflow names the bundle's seal records, or `undefined` when it has no seal or the code does not match it
 * (then the caller must check the code itself).
 */
export function sealedWorkflowNames(code: string): string[] | undefined {
  const sourceMapAt = code.lastIndexOf(SOURCE_MAP_COMMENT);
  if (sourceMapAt < 0) return undefined;
  const sealAt = code.lastIndexOf(SEAL_PREFIX, sourceMapAt);
  if (sealAt < 0) return undefined;
  const seal = SEAL_LINE.exec(code.slice(sealAt, sourceMapAt));
  // The seal must be the whole text between the code and the source map, and its hash must match the code.
  if (!seal || sealAt + seal[0].length !== sourceMapAt) return undefined;
  if (sha256(code.slice(0, sealAt)) !== seal[1]) return undefined;
  return seal[2] ? seal[2].split(',') : [];
}
