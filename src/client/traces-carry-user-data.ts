// Whether spans may carry user data: the one rule, for the library and the Cloud Run entries alike.
import { resolveTemporalConfig, type TemporalConnectionOptions } from './config';
import { enabledTelemetry } from '../telemetry/options';

/**
 * Whether exported spans may carry user data (Genkit's input/output attributes, error texts). Yes, unless payloads
 * are encrypted (a payload codec: `GENKITX_ENCRYPTION_KEYS`, or a `dataConverter` with codecs) and nobody opted
 * in with `telemetry: { userData: true }` or `GENKITX_OTEL_USER_DATA=true`. When it says no, export through
 * {@link redactingSpanProcessor}.
 *
 * @example
 * ```ts
 * process.env.GENKITX_ENCRYPTION_KEYS = 'k1:…';
 * tracesCarryUserData(); // false: redact
 * tracesCarryUserData({ telemetry: { userData: true } }); // true
 * ```
 */
export function tracesCarryUserData(
  options: TemporalConnectionOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  const config = resolveTemporalConfig(options, env);
  if (enabledTelemetry(config.telemetry)?.userData) return true;
  return !config.dataConverter?.payloadCodecs?.length;
}
