// Preloaded (`node --require`) into a worker process by bench/cold-start.ts. Splits the time to "worker polling"
// into Node's own boot (before this file runs), time spent inside outermost require() calls (imports), and the
// rest (our own start-up: settings, connect, Worker.create, bundling when there is no prebuilt bundle). Prints one
// JSON line `{"coldStartProbe":{...}}` right before the worker's "worker polling" log line.
'use strict';
const Module = require('node:module');
const { performance } = require('node:perf_hooks');

const bootMs = performance.now(); // performance's time origin is the start of the process
let depth = 0;
let importMs = 0;
const load = Module._load;
Module._load = function timedLoad(request, parent, isMain) {
  // The entry module's own execution is start-up, not an import.
  if (isMain) return load.apply(this, arguments);
  if (depth > 0) return load.apply(this, arguments);
  depth++;
  const started = performance.now();
  try {
    return load.apply(this, arguments);
  } finally {
    depth--;
    importMs += performance.now() - started;
  }
};

const write = process.stdout.write.bind(process.stdout);
let reported = false;
process.stdout.write = function probeWrite(chunk, ...rest) {
  if (!reported && String(chunk).includes('worker polling')) {
    reported = true;
    const probe = { bootMs, importMs, pollingAtMs: performance.now() };
    write(JSON.stringify({ coldStartProbe: probe }) + '\n');
  }
  return write(chunk, ...rest);
};
