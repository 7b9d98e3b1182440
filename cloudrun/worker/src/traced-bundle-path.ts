// Apart from settings.ts, which imports the package: the demo computes this path in its own process from a fresh
// clone (no dist/ to import).

/**
 * The traced twin of a workflow bundle (`workflow-bundle.js` → `workflow-bundle.traced.js`), which build-bundle
 * writes beside it. A bundle must match the worker: Temporal's OpenTelemetry workflow interceptors in it when
 * tracing is on (else traces skip the workflow), none when off (else its spans go to an unregistered sink). Both
 * in the image let GENKITX_OTEL alone switch tracing, without a rebuild.
 */
export function tracedBundlePath(bundlePath: string): string {
  return bundlePath.replace(/(\.[cm]?js)?$/, (ext) => `.traced${ext || '.js'}`);
}
