// Node 22.1+ caches the compiled code of every module loaded after this call on disk (in the OS temp folder), so a
// restarted instance skips most of the import share of its cold start. main.ts imports this module first, before
// genkit and the Temporal worker load. On older Node (the image's Node 20) the function is absent: nothing happens.
import * as nodeModule from 'node:module';

const { enableCompileCache } = nodeModule as { enableCompileCache?: () => unknown };
enableCompileCache?.();
