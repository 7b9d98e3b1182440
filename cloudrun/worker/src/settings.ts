// The worker service's settings, read only through the env contract (WORKER_ENV from genkitx-temporal: what the
// Terraform templates set, plus the platform variables Cloud Run sets).
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { WORKER_ENV } from 'genkitx-temporal';
import { tracedBundlePath } from './traced-bundle-path.js';

/**
 * The variables the worker's settings read: the env contract's (the package owns the names; this folder is copied
 * out). Its other secrets (GEMINI_API_KEY, GENKITX_ENCRYPTION_KEYS, GENKITX_CONTEXT_KEYS) are read by the model
 * plugin and the library themselves.
 */
export const WORKER_ENV_NAMES = [...WORKER_ENV.set, 'TEMPORAL_API_KEY', ...WORKER_ENV.platform] as const;

export type WorkerEnv = { [K in (typeof WORKER_ENV_NAMES)[number]]?: string };

export interface WorkerSettings {
  temporal: { address?: string; namespace?: string; taskQueue?: string; apiKey?: string };
  /** Absolute path of the module that defines the flows (imported before the worker starts). */
  flowsModule: string;
  /**
   * The workflow bundle built at image build time; absent means bundling at start (slow, for development).
   * With tracing on, the traced bundle beside WORKFLOW_BUNDLE_PATH (see {@link tracedBundlePath}).
   */
  workflowBundlePath?: string;
  /**
   * Present when GENKITX_OTEL turns tracing on: the NodeSDK's service name, (for the log) the OTLP endpoint, and
   * whether GENKITX_OTEL_USER_DATA opts in to user data in spans when payloads are encrypted (else redacted).
   */
  tracing?: { serviceName: string; otlpEndpoint?: string; userDataOptIn: boolean };
  maxConcurrentActivities?: number;
  /** The health port; absent on worker pools that do not set PORT (no HTTP server then). */
  port?: number;
  /** `${K_REVISION}/${instance}`: the revision, and this instance (hostname plus a random suffix; see README). */
  identity: string;
  /** The revision (or TEMPORAL_WORKER_BUILD_ID): the build ID with versioning on, and in the health answer. */
  buildId: string;
  /**
   * Present when TEMPORAL_WORKER_VERSIONING is on: the worker runs as this Worker Deployment Version. The
   * deployment is TEMPORAL_WORKER_DEPLOYMENT, else the service (K_SERVICE) or worker pool (CLOUD_RUN_WORKER_POOL);
   * the build ID is the revision (K_REVISION, CLOUD_RUN_REVISION), else TEMPORAL_WORKER_BUILD_ID.
   */
  versioning?: { deploymentName: string; buildId: string };
}

/** Only the contract's names, as a typed record. */
export function readWorkerEnv(env: NodeJS.ProcessEnv = process.env): WorkerEnv {
  return Object.fromEntries(WORKER_ENV_NAMES.map((name) => [name, env[name]]));
}

/** Settings from the environment; throws an `Error` naming the variable for a missing or bad value. */
export function workerSettingsFromEnv(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): WorkerSettings {
  const e = readWorkerEnv(env);
  if (!e.FLOWS_MODULE) throw new Error('worker: FLOWS_MODULE is not set (the module that defines your flows)');
  const platformRevision = e.K_REVISION || e.CLOUD_RUN_REVISION;
  const revision = platformRevision || 'local';
  const buildId = platformRevision || e.TEMPORAL_WORKER_BUILD_ID?.trim() || undefined;
  const versioning = flagOn(e, 'TEMPORAL_WORKER_VERSIONING')
    ? {
        deploymentName:
          e.TEMPORAL_WORKER_DEPLOYMENT?.trim() || e.K_SERVICE || e.CLOUD_RUN_WORKER_POOL || 'genkit-worker',
        buildId: buildId ?? missingBuildId(),
      }
    : undefined;
  const tracing = tracingOn(e.GENKITX_OTEL)
    ? {
        serviceName: e.OTEL_SERVICE_NAME || e.K_SERVICE || 'genkit-worker',
        otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT || undefined,
        userDataOptIn: userDataOptIn(e.GENKITX_OTEL_USER_DATA),
      }
    : undefined;
  const bundlePath = e.WORKFLOW_BUNDLE_PATH ? absolute(e.WORKFLOW_BUNDLE_PATH, cwd) : undefined;
  return {
    temporal: {
      address: e.TEMPORAL_ADDRESS || undefined,
      namespace: e.TEMPORAL_NAMESPACE || undefined,
      taskQueue: e.TEMPORAL_TASK_QUEUE || undefined,
      apiKey: e.TEMPORAL_API_KEY || undefined,
    },
    flowsModule: absolute(e.FLOWS_MODULE, cwd),
    workflowBundlePath: bundlePath && tracing ? tracedBundlePath(bundlePath) : bundlePath,
    tracing,
    maxConcurrentActivities: positiveInt(e, 'WORKER_MAX_CONCURRENT_ACTIVITIES'),
    port: positiveInt(e, 'PORT'),
    identity: `${revision}/${instanceId()}`,
    buildId: buildId ?? revision,
    versioning,
  };
}

/** A `true`/`1` or `false`/`0`/unset variable; anything else is an error naming it. */
function flagOn(e: WorkerEnv, name: keyof WorkerEnv): boolean {
  const value = e[name]?.trim().toLowerCase();
  if (!value || value === 'false' || value === '0') return false;
  if (value === 'true' || value === '1') return true;
  throw new Error(`worker: ${name} must be true, false, 1 or 0, got "${e[name]}"`);
}

/** Versioning on without a build ID would run a version nobody can route to: refuse to start. */
function missingBuildId(): never {
  throw new Error(
    'worker: TEMPORAL_WORKER_VERSIONING is on but there is no build ID: neither K_REVISION nor CLOUD_RUN_REVISION ' +
      '(set by Cloud Run) nor TEMPORAL_WORKER_BUILD_ID is set',
  );
}

/** GENKITX_OTEL, by the library's rule: `true`/`1` on, `false`/`0`/unset off, anything else an error. */
function tracingOn(raw: string | undefined): boolean {
  const value = raw?.trim().toLowerCase();
  if (!value || value === 'false' || value === '0') return false;
  if (value === 'true' || value === '1') return true;
  throw new Error(`worker: GENKITX_OTEL must be true, false, 1 or 0, got "${raw}"`);
}

/**
 * Cloud Run's instance id comes from the metadata server, which this kit does not call at start (an extra
 * round trip, and unreachable off Google Cloud). The hostname plus 6 random hex digits is unique per process.
 */
function instanceId(): string {
  return `${hostname()}-${randomBytes(3).toString('hex')}`;
}

function absolute(path: string, cwd: string): string {
  return isAbsolute(path) ? path : resolve(cwd, path);
}

function positiveInt(e: WorkerEnv, name: keyof WorkerEnv): number | undefined {
  const raw = e[name]?.trim();
  if (!raw) return undefined;
  if (!/^[1-9]\d*$/.test(raw)) throw new Error(`worker: ${name} must be a whole number > 0, got "${raw}"`);
  return Number(raw);
}

/** GENKITX_OTEL_USER_DATA: `true`/`1` opts in to user data in spans; `false`/`0`/unset does not. */
function userDataOptIn(raw: string | undefined): boolean {
  const value = raw?.trim().toLowerCase();
  if (!value || value === 'false' || value === '0') return false;
  if (value === 'true' || value === '1') return true;
  throw new Error(`GENKITX_OTEL_USER_DATA must be true, false, 1 or 0, got "${raw}"`);
}
