// Plain-text formatting shared by the console's pages: times, durations, statuses, short JSON previews.

/** A timestamp as `2026-11-30 15:04:05Z` (UTC, second precision), or an em dash. */
export function formatTime(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
}

/** A duration as `850 ms`, `4.2 s` or `3 min 5 s`, or an em dash. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1) return 'under 1 ms';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

const STATUS_LABELS: Record<string, string> = {
  RUNNING: 'Running',
  WAITING: 'Waiting for input',
  COMPLETED: 'Completed',
  FAILED: 'Failed',
  CANCELLED: 'Cancelled',
  TERMINATED: 'Terminated',
  TIMED_OUT: 'Timed out',
  CONTINUED_AS_NEW: 'Continued as new',
  PAUSED: 'Paused',
};

/** The words for a run status (the badge's colour only repeats them). */
export function statusLabel(status: string): string {
  return STATUS_LABELS[status] ?? status;
}

/** Whether a run with this status has ended (the page stops refreshing). */
export function isFinal(status: string): boolean {
  return status !== 'RUNNING' && status !== 'WAITING';
}

/** `text` cut to `max` characters. */
export function cut(text: string, max = 240): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** JSON of `value`, cut to `max` characters. */
export function preview(value: unknown, max = 240): string {
  try {
    return cut(JSON.stringify(value) ?? 'undefined', max);
  } catch {
    return cut(String(value), max);
  }
}

/** Pretty JSON of `value`, cut to `max` characters. */
export function prettyJson(value: unknown, max = 20_000): string {
  let text: string;
  try {
    text = JSON.stringify(value, null, 2) ?? 'undefined';
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
