// The ESM build's genkit-tracing.ts: genkit's ESM build (already loaded by the app's `import 'genkit'`).
import { disableOTelRootSpanDetection } from 'genkit/tracing';

/** See genkit-tracing.ts. */
export function joinGenkitSpansToActiveContext(): void {
  disableOTelRootSpanDetection();
}
