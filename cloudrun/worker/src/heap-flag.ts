// Prints node's heap flag for this container (`--max-old-space-size=<75% of the cgroup memory limit>`), or nothing
// when there is no limit. entrypoint.sh: node $(node dist/heap-flag.js) dist/main.js. Its own file, so the same
// code runs whether the project compiles to CommonJS or to ES modules.
// Usage: node dist/heap-flag.js [cgroup root]
import { heapMiB, memoryLimitBytes } from './heap-limit.js';

const mib = heapMiB(memoryLimitBytes(process.argv[2]));
if (mib) process.stdout.write(`--max-old-space-size=${mib}\n`);
