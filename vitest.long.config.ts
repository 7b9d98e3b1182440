// `npm run test:long`: the long runs (minutes) that `npm test` leaves out. The same set-up as vitest.config.ts;
// only which files run differs (a merged config would add to its include and exclude lists instead).
import { defineConfig } from 'vitest/config';
import base from './vitest.config';

export default defineConfig({
  test: { ...base.test, include: ['test/long/**/*.test.ts'], exclude: [], testTimeout: 3_600_000 },
});
