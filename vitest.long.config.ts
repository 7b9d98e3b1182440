// `npm run test:long`: the long runs (minutes) that `npm test` leaves out.
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config';

export default mergeConfig(base, defineConfig({ test: { include: ['test/long/**/*.test.ts'], exclude: [] } }));
