// Preloaded into P6's worker processes when BENCH_P6_PROFILE=1 (NODE_OPTIONS --require; Node refuses --cpu-prof
// there): samples the main thread every millisecond and writes <pid>.cpuprofile into BENCH_P6_PROFILE_DIR when
// the process exits (the bench then stops workers with SIGTERM, so they exit instead of being killed).
'use strict';
const inspector = require('node:inspector');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const session = new inspector.Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.setSamplingInterval', { interval: 1000 });
session.post('Profiler.start');
// A same-thread inspector session answers synchronously, so this completes inside the 'exit' handler.
process.on('exit', () =>
  session.post('Profiler.stop', (err, result) => {
    if (!err)
      writeFileSync(
        join(process.env.BENCH_P6_PROFILE_DIR, `${process.pid}.cpuprofile`),
        JSON.stringify(result.profile),
      );
  }),
);
