// The user-path matrix's Cloud Run template projects, both flavours: their builds, and the checks without a
// wall-clock bound. Runs beside the other files and leaves the built projects cached for the template cells
// (user-paths-template-{esm,cjs}.test.ts), which run alone. See user-paths-template.ts.
import { describe } from 'vitest';
import { templateChecks } from './user-paths-template';

describe('ESM project', () => templateChecks('esm'));
describe('CommonJS project', () => templateChecks('cjs'));
