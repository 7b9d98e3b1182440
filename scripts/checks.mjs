#!/usr/bin/env node
// `npm test`'s checks before the tests: `npm run typecheck` and `npm run lint` at once (each is one
// single-threaded process, a minute together on a 2-core machine when run one after the other). Each one's
// output is printed whole when it ends, so the two never interleave; exits non-zero when either fails.
import { spawn } from 'node:child_process';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(script) {
  return new Promise((done) => {
    const child = spawn(npm, ['run', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (err) => done({ script, code: 1, output: `${output}${err}\n` }));
    child.on('close', (code) => done({ script, code: code ?? 1, output }));
  });
}

const results = await Promise.all(['typecheck', 'lint'].map(run));
for (const { output } of results) process.stdout.write(output);
const failed = results.filter((r) => r.code !== 0);
for (const { script, code } of failed) process.stderr.write(`npm run ${script} failed (exit ${code})\n`);
process.exit(failed.length ? 1 : 0);
