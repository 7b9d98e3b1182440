// An ESM app that installed the packed package: `import 'genkit'` installs Genkit's SIGTERM/SIGINT handlers (which
// process.exit(0)), and removeGenkitSignalHandlers() (what startTemporalWorker calls) removes them, those of
// genkit's CommonJS build too when a CommonJS dependency loaded it, and nothing else. (The user-path matrix checks
// the effect: a SIGTERMed ESM worker fails its attempt over at once.)
import { beforeAll, expect, it } from 'vitest';
import { consumerProject, type ConsumerProject } from './harness';

let esm: ConsumerProject;
beforeAll(async () => {
  esm = await consumerProject('esm');
}, 600_000);

it('ESM app: Genkit’s signal handlers of both genkit builds are removed, the app’s own stay', async () => {
  esm.write({
    'signals/app.mjs': `import { createRequire } from 'node:module';
import { genkit } from 'genkit';
import { removeGenkitSignalHandlers, temporal } from 'genkitx-temporal';

genkit({ plugins: [temporal()] });
const mine = () => {};
process.on('SIGTERM', mine);
const count = () => ({ SIGTERM: process.listenerCount('SIGTERM'), SIGINT: process.listenerCount('SIGINT') });
const esmOnly = count();
createRequire(import.meta.url)('genkit'); // a CommonJS dependency loads genkit's CommonJS build beside it
const bothBuilds = count();
const removed = removeGenkitSignalHandlers();
console.log(JSON.stringify({ esmOnly, bothBuilds, removed, left: count(), mineLeft: process.listeners('SIGTERM')[0] === mine }));
`,
  });
  const r = await esm.run('signals/app.mjs');
  expect(r.code, r.stderr).toBe(0);
  expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toEqual({
    esmOnly: { SIGTERM: 2, SIGINT: 1 },
    bothBuilds: { SIGTERM: 3, SIGINT: 2 },
    removed: 4,
    left: { SIGTERM: 1, SIGINT: 0 },
    mineLeft: true,
  });
});
