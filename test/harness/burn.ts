// A step bound by the worker's own CPU (serialising, parsing, a local model): shared by the benchmark's cpuFlow and
// the hand-written worker it is compared with, so both sides burn exactly the same loop.

/** Busy-waits `ms` of wall time on this thread. */
export function burn(ms: number): number {
  const until = performance.now() + ms;
  let x = 0;
  while (performance.now() < until) x = (x * 31 + 7) % 1_000_003;
  return x;
}
