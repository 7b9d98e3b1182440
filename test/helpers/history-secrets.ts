// Looking for plaintext in a run's history, the way an operator with namespace access would see it.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { inject } from 'vitest';
import { address, namespace } from './temporal';

const run = promisify(execFile);

/** Every byte of the run's history as stored (payloads as the server has them; codecs not applied). */
export async function rawHistoryText(handle: WorkflowHandle): Promise<string> {
  const history = await handle.fetchHistory();
  return Buffer.from(temporal.api.history.v1.History.encode(history).finish()).toString('latin1');
}

/** `temporal workflow show --output json`, with every string also base64-decoded (payload data is base64). */
export async function cliHistoryText(workflowId: string, extraArgs: string[] = []): Promise<string> {
  const { stdout } = await temporalCli(['workflow', 'show', '-w', workflowId, '--output', 'json', ...extraArgs]);
  return withBase64Decoded(stdout);
}

export function temporalCli(args: string[]) {
  return run(inject('temporalCliPath'), [...args, '--address', address(), '--namespace', namespace()], {
    maxBuffer: 256 * 1024 * 1024,
  });
}

/** The secrets (by label) that occur in `text`. */
export function secretsIn(text: string, secrets: Record<string, string>): string[] {
  return Object.entries(secrets)
    .filter(([, secret]) => text.includes(secret))
    .map(([label]) => label);
}

function withBase64Decoded(json: string): string {
  const parts = [json];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') parts.push(Buffer.from(v, 'base64').toString('latin1'));
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(JSON.parse(json));
  return parts.join('\n');
}
