// changed() outside a durable run (a plain Genkit flow call): the code of the latest revision runs.
import { describe, expect, it } from 'vitest';
import { changed } from '../../../../src';

describe('changed() outside a durable run', () => {
  it('takes the new branch, and changed.deprecated() does nothing', async () => {
    await expect(changed('new-prompt')).resolves.toBe(true);
    await expect(changed.deprecated('new-prompt')).resolves.toBeUndefined();
  });
});
