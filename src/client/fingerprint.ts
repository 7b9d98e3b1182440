// What a step asked for, reduced to a fingerprint (replay compares it) and a short description (error messages).
import { createHash } from 'node:crypto';
import type { StepKind } from '../common/types';

/** JSON with object keys sorted, so equal requests give equal text whatever order their keys were set in. */
function stableJson(value: unknown): string {
  return (
    JSON.stringify(value, (_key, v) =>
      v && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        : v,
    ) ?? 'undefined'
  );
}

/** A short hash of `value` (16 hex characters of SHA-256 over its stable JSON). */
export function fingerprint(value: unknown): string {
  return createHash('sha256').update(stableJson(value)).digest('hex').slice(0, 16);
}

const MAX_ABOUT = 100;

function clip(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > MAX_ABOUT ? `${oneLine.slice(0, MAX_ABOUT - 1)}…` : oneLine;
}

interface MessageLike {
  role?: string;
  content?: Array<{ text?: string; toolResponse?: { name?: string } }>;
}

/** A few words on what a step asked for: the last message of a model request, or a tool's input. */
export function describeRequest(kind: StepKind, value: unknown): string {
  if (kind === 'model') {
    const messages = (value as { messages?: MessageLike[] } | undefined)?.messages ?? [];
    const last = messages[messages.length - 1];
    const text = last?.content
      ?.map((p) => p.text ?? (p.toolResponse ? `[${p.toolResponse.name} result]` : ''))
      .join('');
    return `${last?.role ?? 'request'}: "${clip(text ?? '')}"`;
  }
  return `input ${clip(stableJson(value))}`;
}
