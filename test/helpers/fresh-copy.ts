// A fresh clone of this repository, cheaply: the files git would check out (tracked, plus new files not ignored)
// copied to a temp folder, so there is no `dist/`, no `.cache`, nothing a build left behind. `node_modules` is not
// installed again (an `npm ci` costs minutes per run): the copy gets a real `node_modules` folder whose entries
// link to this checkout's installed packages, except the links into the repository (`genkitx-temporal -> ..`,
// the root's `file:.` self-dependency), which point into the copy so that `genkitx-temporal` resolves to the
// copy's files, never to this checkout's `dist/`. `.tools` (the pinned CLIs `scripts/setup.mjs` downloads) is linked the same way, as a cache.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';

export interface FreshCopy {
  dir: string;
  /** Files copied. */
  files: number;
  /** Time the copy took. */
  ms: number;
}

/** Caches a fresh clone would not have: the demo's workflow bundle cache, tools' caches. */
const NOT_LINKED = new Set(['.cache']);

export function freshCopy(root: string): FreshCopy {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'genkitx-fresh-clone-'));
  const files = gitFiles(root);
  for (const file of files) {
    const from = join(root, file);
    if (!existsSync(from)) continue; // deleted in the working tree, not yet committed
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    // Timestamps kept: scripts/setup.mjs reinstalls when package-lock.json is newer than the installed packages.
    cpSync(from, join(dir, file), { preserveTimestamps: true, verbatimSymlinks: true });
  }
  if (existsSync(join(dir, 'dist'))) throw new Error('dist/ is tracked by git: a fresh clone would have it');
  linkEntries(root, dir, join(root, 'node_modules'), join(dir, 'node_modules'));
  if (existsSync(join(root, '.tools'))) symlinkSync(join(root, '.tools'), join(dir, '.tools'));
  return { dir, files: files.length, ms: Date.now() - started };
}

function gitFiles(root: string): string[] {
  let out: string;
  try {
    out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (err) {
    throw new Error(`a fresh copy needs a git checkout and git on PATH (git ls-files in ${root}): ${err}`);
  }
  return out.split('\0').filter(Boolean);
}

/** Links each entry of `from` (a node_modules folder, or an @scope folder in one) into the new folder `to`. */
function linkEntries(root: string, copy: string, from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (NOT_LINKED.has(entry.name)) continue;
    const source = join(from, entry.name);
    if (entry.name.startsWith('@') && entry.isDirectory()) {
      linkEntries(root, copy, source, join(to, entry.name));
      continue;
    }
    symlinkSync(insideCopy(root, copy, source) ?? source, join(to, entry.name));
  }
}

/** A link into the repository (its target is outside node_modules, e.g. the self-link): the same place in the copy. */
function insideCopy(root: string, copy: string, linkPath: string): string | undefined {
  if (!lstatSync(linkPath).isSymbolicLink()) return undefined;
  const target = realpathSync(linkPath);
  const realRoot = realpathSync(root);
  const inRepo = target === realRoot || target.startsWith(realRoot + sep);
  if (!inRepo || target.startsWith(join(realRoot, 'node_modules') + sep)) return undefined;
  return join(copy, relative(realRoot, target));
}
