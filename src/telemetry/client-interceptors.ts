// Client side of tracing: a span per workflow start, signal, update and query, whose context travels to the
// workflow in the Temporal headers.
import type { WorkflowClientInterceptor } from '@temporalio/client';
import { loadTemporalOtel } from './load';

/**
 * Temporal's OpenTelemetry workflow-client interceptor, for a `Client` you build yourself (the library's own
 * clients get it from the `telemetry` option). Spans go to the registered tracer provider.
 *
 * @example
 * ```ts
 * const client = new Client({ connection, interceptors: { workflow: telemetryClientInterceptors() } });
 * await startFlowWorkflow(jokeFlow, 'cats', { client });
 * ```
 */
export function telemetryClientInterceptors(): WorkflowClientInterceptor[] {
  const { OpenTelemetryWorkflowClientInterceptor } = loadTemporalOtel();
  return [new OpenTelemetryWorkflowClientInterceptor()];
}
