// Genkit's process-wide tracing switch, from the genkit build this package's build pairs with (the ESM build has
// its own variant, genkit-tracing.esm.ts: requiring genkit here would load genkit's CommonJS build into an ESM app).

/**
 * Genkit starts every top-level action as a new trace root by default; tracing a run needs its flow span to be a
 * child of the activity span instead. Genkit's switch is process-wide (`disableOTelRootSpanDetection`).
 */
export function joinGenkitSpansToActiveContext(): void {
  (require('genkit/tracing') as typeof import('genkit/tracing')).disableOTelRootSpanDetection();
}
