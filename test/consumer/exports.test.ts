// Every sub-path of package.json "exports", loaded from the packed tarball by an ESM project (import) and a
// CommonJS project (require). The list comes from package.json, so a sub-path added there is tested here at once.
// Sub-paths without an ESM build reach ESM apps through Node's CommonJS interop, whose named exports are whatever
// cjs-module-lexer finds in the CommonJS build: every name `require` gives must also be a named import.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { esmEntryPoints } from '../../scripts/esm-build-rules.mjs';
import { consumerProject, type ConsumerProject } from './harness';

const repo = resolve(__dirname, '../..');
const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  exports: Record<string, string | Record<string, string>>;
};
const subPaths = Object.keys(manifest.exports);
const codeSubPaths = subPaths.filter((p) => p !== './package.json');
const specifier = (subPath: string) => (subPath === '.' ? manifest.name : `${manifest.name}/${subPath.slice(2)}`);
const conditions = (subPath: string) => manifest.exports[subPath] as Record<string, string>;
const hasEsmBuild = (subPath: string) => 'import' in conditions(subPath);

let esm: ConsumerProject;
let cjs: ConsumerProject;
/** Export names of each sub-path: from require() in the CommonJS project, from import() in the ESM project. */
let required: Record<string, string[]>;
let imported: Record<string, string[]>;

const lastJson = (r: { code: number | null; stdout: string; stderr: string }) => {
  expect(r.code, r.stderr + r.stdout).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
};

beforeAll(async () => {
  [esm, cjs] = await Promise.all([consumerProject('esm'), consumerProject('cjs')]);
  const specifiers = codeSubPaths.map(specifier);
  cjs.write({
    'exports/required.js': `const out = {};
for (const s of ${JSON.stringify(specifiers)}) out[s] = Object.keys(require(s)).sort();
console.log(JSON.stringify(out));`,
  });
  esm.write({
    'exports/imported.mjs': `const out = {};
for (const s of ${JSON.stringify(specifiers)}) out[s] = Object.keys(await import(s)).sort();
console.log(JSON.stringify(out));`,
  });
  [required, imported] = await Promise.all([
    cjs.run('exports/required.js').then(lastJson),
    esm.run('exports/imported.mjs').then(lastJson),
  ]);
}, 600_000);

describe('every sub-path of package.json "exports"', () => {
  it('has a types file and a CommonJS build in the tarball; the ESM builds are exactly the `import` conditions', () => {
    expect(codeSubPaths.length).toBeGreaterThanOrEqual(9);
    const installed = join(esm.dir, 'node_modules', manifest.name);
    for (const subPath of codeSubPaths) {
      const c = conditions(subPath);
      expect(Object.keys(c), subPath).toEqual(expect.arrayContaining(['types', 'default']));
      for (const target of Object.values(c)) expect(existsSync(join(installed, target)), target).toBe(true);
    }
    const withImport = codeSubPaths.filter(hasEsmBuild).map((p) => conditions(p).import);
    expect(withImport.sort()).toEqual(esmEntryPoints.map((e) => `./dist/esm/${e}.mjs`).sort());
  });

  it('./workflows alone is CommonJS only: Temporal bundles it for the sandbox, resolving `import` conditions', () => {
    // An ESM app names workflow code two ways (README): `export { runGenkitFlow } from 'genkitx-temporal/workflows'`
    // in its own workflows file, or `import.meta.resolve('genkitx-temporal/workflows')` as `workflowsPath`. Temporal's
    // webpack resolves both with the `import` condition, so an ESM build here would be what gets bundled, and it
    // cannot be (its banner imports node:module: "UnhandledSchemeError: Reading from "node:module""; and it would
    // bring the ESM graph's shared chunks into the sandbox). Nothing is lost: its only dependency,
    // @temporalio/workflow, is CommonJS only, so there is no second copy for an ESM build to avoid, and the message
    // definitions it exports are plain { name, type } values (the client entry has its own, run-messages.ts).
    // test/consumer/worker.test.ts checks that import.meta.resolve gives the CommonJS file in an ESM project.
    const withoutImport = codeSubPaths.filter((p) => !hasEsmBuild(p));
    expect(withoutImport).toEqual(['./workflows']);
  });

  for (const subPath of codeSubPaths) {
    const name = specifier(subPath);
    const how = hasEsmBuild(subPath) ? 'its ESM build' : 'CommonJS interop';
    it(`${name}: require() in CommonJS, and import (${how}) with every name as a named import in ESM`, async () => {
      const names = required[name].filter((n) => n !== 'default' && n !== '__esModule');
      expect(names.length, `${name} exports nothing`).toBeGreaterThan(0);
      // Dynamic import: the same names (plus `default`, the module.exports object, through interop).
      const esmNames = imported[name].filter((n) => n !== 'default' && n !== '__esModule');
      expect(esmNames).toEqual(names);
      // Static named imports: a name cjs-module-lexer cannot see fails here at link time.
      const file = `exports/named-${subPath === '.' ? 'root' : subPath.slice(2).replace(/\W/g, '-')}.mjs`;
      esm.write({
        [file]: `import { ${names.join(', ')} } from '${name}';
console.log(JSON.stringify([${names.join(', ')}].map((v) => v === undefined)));`,
      });
      const undefinedNames = lastJson(await esm.run(file));
      expect(names.filter((_, i) => undefinedNames[i])).toEqual([]);
    });
  }

  it(`${manifest.name}/package.json: require() and import with { type: 'json' }`, async () => {
    cjs.write({
      'exports/manifest.js': `console.log(JSON.stringify(require('${manifest.name}/package.json').version));`,
    });
    esm.write({
      'exports/manifest.mjs': `import pkg from '${manifest.name}/package.json' with { type: 'json' };
console.log(JSON.stringify(pkg.version));`,
    });
    expect(lastJson(await cjs.run('exports/manifest.js'))).toBe(manifest.version);
    expect(lastJson(await esm.run('exports/manifest.mjs'))).toBe(manifest.version);
  });
});
