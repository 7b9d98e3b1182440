// The order test files start in: the long ones first, so a fresh-clone run does not end waiting on one of them.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TestSpecification } from 'vitest/node';
import LongFilesFirst, { LONG_FILES } from '../../long-files-first';

const root = resolve(__dirname, '../../..');

describe('long files first', () => {
  it('names files that exist (a renamed file would silently go back to starting last)', () => {
    expect(LONG_FILES.filter((f) => !existsSync(resolve(root, f)))).toEqual([]);
  });

  it('starts the listed files first in their order, the rest after them in the order vitest gave', async () => {
    const spec = (file: string) =>
      ({ moduleId: `${root}/${file}`, project: { name: 'integration' } }) as unknown as TestSpecification;
    const given = [
      spec('test/integration/small-a.test.ts'),
      spec(LONG_FILES[3]!),
      spec('test/integration/small-b.test.ts'),
      spec(LONG_FILES[0]!),
    ];
    // vitest's own sort, with nothing cached, keeps unknown files where they are.
    const ctx = { config: { root }, cache: { getFileTestResults: () => undefined, getFileStats: () => undefined } };
    const sorted = await new LongFilesFirst(ctx as never).sort(given);
    expect(sorted.map((s) => s.moduleId.slice(root.length + 1))).toEqual([
      LONG_FILES[0],
      LONG_FILES[3],
      'test/integration/small-a.test.ts',
      'test/integration/small-b.test.ts',
    ]);
  });
});
