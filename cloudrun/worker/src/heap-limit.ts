// The V8 heap size for this container: 75% of the cgroup memory limit (v2 `memory.max`, or v1
// `memory.limit_in_bytes`), leaving the rest to native memory (the Temporal core, buffers). heap-flag.ts prints
// it as node's flag for entrypoint.sh.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const HEAP_SHARE = 0.75;

/** The heap size in MiB for a memory limit in bytes, or undefined when unlimited or unknown. */
export function heapMiB(limitBytes: number | undefined): number | undefined {
  if (!limitBytes || !Number.isFinite(limitBytes)) return undefined;
  const mib = Math.floor(limitBytes / 2 ** 20);
  if (mib >= 2 ** 20) return undefined; // ≥ 1 TiB: cgroup v1's "no limit"
  return Math.max(64, Math.floor(mib * HEAP_SHARE));
}

/** The container's memory limit in bytes, from cgroup v2 then v1. */
export function memoryLimitBytes(root = '/sys/fs/cgroup'): number | undefined {
  for (const file of [join(root, 'memory.max'), join(root, 'memory', 'memory.limit_in_bytes')]) {
    try {
      const raw = readFileSync(file, 'utf8').trim();
      if (raw === 'max') return undefined;
      if (/^\d+$/.test(raw)) return Number(raw);
    } catch {
      // not this cgroup version
    }
  }
  return undefined;
}
