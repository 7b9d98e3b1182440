// The demo's children run from source through a path map generated from package.json `exports`: every code
// sub-path is in it (a hand-written map once missed `./codec` and the API died on a fresh clone), each to a source
// file that exists, and a sub-path with no source is refused by name.
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourcePathsFromExports, writeSourcePathsTsconfig } from '../../../examples/demo/source-paths';

const root = resolve(__dirname, '../../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };

describe('demo source paths', () => {
  it('map every code sub-path of package.json exports to its source file', () => {
    const paths = sourcePathsFromExports(root);
    const expected = Object.keys(pkg.exports)
      .filter((subpath) => subpath !== './package.json')
      .map((subpath) => (subpath === '.' ? 'genkitx-temporal' : `genkitx-temporal/${subpath.slice(2)}`));
    expect(Object.keys(paths).sort()).toEqual(expected.sort());
    expect(paths['genkitx-temporal/codec']).toBe(join(root, 'src/codec/index.ts'));
    expect(paths['genkitx-temporal/client']).toBe(join(root, 'src/client/index.ts'));
    for (const [name, file] of Object.entries(paths)) expect(file, name).toMatch(/[/\\]src[/\\].+\.tsx?$/);
  });

  it('write a tsconfig whose paths resolve from where it is written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'demo-paths-'));
    const file = writeSourcePathsTsconfig(root, dir);
    const { paths } = JSON.parse(readFileSync(file, 'utf8')).compilerOptions as { paths: Record<string, string[]> };
    expect(resolve(dir, paths['genkitx-temporal/codec'][0])).toBe(join(root, 'src/codec/index.ts'));
    for (const [name, [path]] of Object.entries(paths)) expect(path, name).toMatch(/^\.\.?\//);
    // The repository's compiler settings (its JSX runtime among them), not a copy that can drift from them.
    const { extends: base } = JSON.parse(readFileSync(file, 'utf8')) as { extends: string };
    expect(resolve(dir, base)).toBe(join(root, 'tsconfig.json'));
  });

  it('refuse a sub-path that has no source file, naming it', () => {
    const fake = mkdtempSync(join(tmpdir(), 'demo-paths-pkg-'));
    mkdirSync(join(fake, 'src'));
    writeFileSync(join(fake, 'src/index.ts'), '');
    const exportsWith = (extra: Record<string, unknown>) =>
      writeFileSync(
        join(fake, 'package.json'),
        JSON.stringify({ name: 'x', exports: { '.': { default: './dist/index.js' }, ...extra } }),
      );
    exportsWith({});
    expect(sourcePathsFromExports(fake)).toEqual({ x: join(fake, 'src/index.ts') });
    exportsWith({ './extra': { types: './dist/extra.d.ts', default: './dist/extra/index.js' } });
    expect(() => sourcePathsFromExports(fake)).toThrow(/exports "\.\/extra".*src\/extra\/index\.ts/);
    exportsWith({ './odd': './lib/odd.js' });
    expect(() => sourcePathsFromExports(fake)).toThrow(/exports "\.\/odd"/);
  });
});
