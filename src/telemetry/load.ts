// The OpenTelemetry packages are optional peer dependencies: loaded only when tracing is turned on, so an app
// that never traces neither installs nor loads them.
import { createRequire } from 'node:module';

type InterceptorsModule = typeof import('@temporalio/interceptors-opentelemetry');

const PACKAGE = '@temporalio/interceptors-opentelemetry';

/** Temporal's OpenTelemetry interceptors; a clear error naming the package when it is missing. */
export function loadTemporalOtel(): InterceptorsModule {
  try {
    return require(PACKAGE) as InterceptorsModule;
  } catch (err) {
    throw missing(PACKAGE, err);
  }
}

/** The workflow interceptor module of Temporal's OpenTelemetry package (bundled into the workflow code). */
export function temporalOtelWorkflowModule(): string {
  return require.resolve(`${PACKAGE}/lib/workflow-interceptors`);
}

/** `@opentelemetry/resources`, through Temporal's OpenTelemetry package that depends on it. */
export function loadOtelResources(): typeof import('@opentelemetry/resources') {
  return createRequire(require.resolve(PACKAGE))('@opentelemetry/resources');
}

/** The OpenTelemetry API (the app's copy, which holds the registered tracer provider). */
export function loadOtelApi(): typeof import('@opentelemetry/api') {
  try {
    return require('@opentelemetry/api') as typeof import('@opentelemetry/api');
  } catch (err) {
    throw missing('@opentelemetry/api', err);
  }
}

/** An optional OpenTelemetry package the app installs (the SDK, an exporter); an error naming it when missing. */
export function loadOtelPackage<T>(pkg: string): T {
  try {
    return require(pkg) as T;
  } catch (err) {
    throw missing(pkg, err);
  }
}

function missing(pkg: string, cause: unknown): Error {
  if ((cause as NodeJS.ErrnoException)?.code !== 'MODULE_NOT_FOUND') return cause as Error;
  return new Error(
    `genkitx-temporal: tracing is on (telemetry option or GENKITX_OTEL) but ${pkg} is not installed. ` +
      `Install it (npm install ${pkg}); see docs/observability.md`,
    { cause },
  );
}
