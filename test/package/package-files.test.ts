// What the npm package ships: the library, its sources (for source maps) and the kit's templates the scaffolder
// copies, and none of this repository's tooling (scripts/: the dev server, Chromium and OpenTofu installers, the
// build and test runners). Nothing shipped may run a script from scripts/, since a user's copy has none.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { listTemplateFiles } from '../../src/scaffold/template-files';

const root = resolve(__dirname, '../..');
let packed: string[];

beforeAll(() => {
  // The file list `npm publish` would upload, from package.json "files" (dist/ as the last build left it).
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  packed = (JSON.parse(out) as [{ files: { path: string }[] }])[0].files.map((f) => f.path);
}, 60_000);

describe('the packed package', () => {
  it('ships every template file the scaffolder copies', () => {
    const missing = listTemplateFiles(root).filter((file) => !packed.includes(file));
    expect(missing).toEqual([]);
  });

  it('ships nothing from scripts/', () => {
    expect(packed.filter((file) => file.startsWith('scripts/'))).toEqual([]);
  });

  it('runs no script from scripts/: no install-time npm script, none named by a shipped file', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    // The repository's own npm scripts (test, build, demo) do not run in a user's install; these would.
    const onInstall = ['preinstall', 'install', 'postinstall', 'prepare'].filter((name) => name in pkg.scripts);
    expect(onInstall).toEqual([]);
    // Dockerfiles, entrypoints, package.json scripts of the templates, the functions' code, dist/: a path into
    // scripts/ there would be run on the user's machine or in their image. READMEs may tell a contributor where to
    // look in this repository.
    const runsAScript = packed
      .filter((file) => file !== 'package.json' && !file.endsWith('.md'))
      .filter((file) => /(^|[^\w-])scripts\/[\w.-]+\.(m?js|sh|ts)\b/.test(readFileSync(join(root, file), 'utf8')));
    expect(runsAScript).toEqual([]);
  });
});
