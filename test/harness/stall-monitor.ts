// Notes in the ledger every time this process's event loop went unserved for over a second, and whether the
// process was busy meanwhile (its own CPU time close to the gap: our code held the loop) or waited for a core
// (little CPU: the machine's other processes had it). A chaos run then tells a heartbeat timeout on a live worker
// caused by a starved machine from one caused by our code.
import { note } from './ledger';

const TICK_MS = 250;
/** A gap this much longer than the tick is a stall: a heartbeat (every 750 ms here) went out late. */
const STALL_MS = 1_000;

export function monitorStalls(): void {
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  setInterval(() => {
    const now = performance.now();
    const cpu = process.cpuUsage();
    const gap = now - last;
    if (gap - TICK_MS >= STALL_MS) {
      const cpuMs = (cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000;
      note('stall', 'event loop', { run: 'worker', ms: Math.round(gap), cpuMs: Math.round(cpuMs) });
    }
    last = now;
    lastCpu = cpu;
  }, TICK_MS).unref();
}
