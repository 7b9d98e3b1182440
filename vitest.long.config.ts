// `npm run test:long`: the long runs (minutes) that `npm test` leaves out, with the integration project's set-up.
import { defineConfig } from 'vitest/config';
import { devServer, shared } from './vitest.config';

export default defineConfig({
  test: { ...shared, include: ['test/long/**/*.test.ts'], ...devServer, testTimeout: 3_600_000 },
});
