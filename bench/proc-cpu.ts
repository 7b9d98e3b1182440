// CPU time of another process, read from /proc/<pid>/stat (Linux): user + system, in milliseconds.
import { readFileSync, readdirSync } from 'node:fs';
import { execSync } from 'node:child_process';

const TICK_MS = 1000 / Number(safe(() => execSync('getconf CLK_TCK').toString().trim()) ?? 100);

function safe<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

/** utime + stime of `pid` so far, in ms (10 ms resolution on most kernels). */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/** PIDs of the direct children of `parent` whose command name contains `name`. */
export function childPids(parent: number, name: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = safe(() => readFileSync(`/proc/${entry}/stat`, 'utf8'));
    if (!stat) continue;
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === parent && comm.includes(name)) out.push(Number(entry));
  }
  return out;
}
