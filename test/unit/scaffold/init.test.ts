// The scaffolder writes this repository's own templates (one source): scaffolded with the worker's flows kept in the
// worker, every file is byte for byte the repository's; with the flows module elsewhere, only the listed
// substitutions differ. It refuses to overwrite what differs, and a second run changes nothing.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { initProject, ScaffoldConflictError, ScaffoldUsageError } from '../../../src/scaffold/init';
import { listTemplateFiles, TEMPLATE_DIRS, TEMPLATE_GITIGNORES } from '../../../src/scaffold/template-files';

const root = resolve(__dirname, '../../..');
const version: string = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
const repoFile = (path: string) => readFileSync(join(root, path), 'utf8');
const dirs: string[] = [];
const project = () => {
  const dir = mkdtempSync(join(tmpdir(), 'scaffold-unit-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('genkitx-temporal init: the repository templates are what it writes', () => {
  it("with the flows kept in the worker, writes exactly the repository's files (and firebase.json)", () => {
    const dir = project();
    const result = initProject({ dir, flows: 'cloudrun/worker/src/flows.ts' });
    const templates = listTemplateFiles(root);
    expect(templates.length).toBeGreaterThan(40);
    for (const file of [...templates, ...Object.keys(TEMPLATE_GITIGNORES)]) {
      expect(readFileSync(join(dir, file), 'utf8'), file).toBe(repoFile(file));
    }
    expect(result.written.sort()).toEqual([...templates, ...Object.keys(TEMPLATE_GITIGNORES), 'firebase.json'].sort());
    expect(statSync(join(dir, 'cloudrun/worker/entrypoint.sh')).mode & 0o111).not.toBe(0);
  });

  it('with the flows in the project (src/flows.ts), differs only by the substitutions', () => {
    const dir = project();
    const result = initProject({ dir });
    expect(result.flows).toEqual({ path: 'src/flows.ts', created: true });
    // 3. The worker's example flows move to the project's flows module.
    expect(existsSync(join(dir, 'cloudrun/worker/src/flows.ts'))).toBe(false);
    expect(readFileSync(join(dir, 'src/flows.ts'), 'utf8')).toBe(repoFile('cloudrun/worker/src/flows.ts'));
    // 2. The worker bundles that module.
    const worker = JSON.parse(readFileSync(join(dir, 'cloudrun/worker/package.json'), 'utf8'));
    expect(worker.config.flows).toBe('../../src/flows.ts');
    expect({ ...worker, config: { flows: 'src/flows.ts' } }).toEqual(
      JSON.parse(repoFile('cloudrun/worker/package.json')),
    );
    // Every other file is the repository's.
    const substituted = new Set(['cloudrun/worker/package.json', 'cloudrun/worker/src/flows.ts']);
    for (const file of listTemplateFiles(root).filter((f) => !substituted.has(f))) {
      expect(readFileSync(join(dir, file), 'utf8'), file).toBe(repoFile(file));
    }
  });

  it('1. every template depends on genkitx-temporal ^<this version> from the registry (no file: or vendoring)', () => {
    const manifests = listTemplateFiles(root).filter((f) => f.endsWith('/package.json'));
    expect(manifests.sort()).toEqual([
      'cloudrun/api/package.json',
      'cloudrun/worker/package.json',
      'functions/package.json',
    ]);
    for (const file of manifests) {
      expect(JSON.parse(repoFile(file)).dependencies['genkitx-temporal'], file).toBe(`^${version}`);
    }
    // The scaffolder sets it from the package's version, so a release bump cannot leave the templates behind.
    const dir = project();
    const fakeRoot = mkdtempSync(join(tmpdir(), 'scaffold-pkg-'));
    dirs.push(fakeRoot);
    for (const file of listTemplateFiles(root)) {
      const target = join(fakeRoot, file);
      mkdirSync(join(target, '..'), { recursive: true });
      writeFileSync(target, repoFile(file));
    }
    writeFileSync(join(fakeRoot, 'package.json'), JSON.stringify({ name: 'genkitx-temporal', version: '2.3.4' }));
    initProject({ dir, packageRoot: fakeRoot });
    for (const file of manifests) {
      expect(JSON.parse(readFileSync(join(dir, file), 'utf8')).dependencies['genkitx-temporal'], file).toBe('^2.3.4');
    }
  });

  it("the repository's own .gitignore files are the ones it writes (npm cannot pack them)", () => {
    for (const [file, content] of Object.entries(TEMPLATE_GITIGNORES)) expect(repoFile(file), file).toBe(content);
  });

  it('ships no tests, installs, builds, locks or local secrets of the template folders', () => {
    const listed = listTemplateFiles(root);
    expect(listed.every((f) => TEMPLATE_DIRS.some((d) => f.startsWith(`${d}/`)))).toBe(true);
    expect(
      listed.filter((f) => /(^|\/)(tests|node_modules|dist)\/|\.local$|package-lock\.json$|flows\.json$/.test(f)),
    ).toEqual([]);
  });
});

describe('genkitx-temporal init: what it refuses', () => {
  it('writes nothing when a file differs; --force overwrites it; a second run is a no-op', () => {
    const dir = project();
    initProject({ dir });
    writeFileSync(join(dir, 'functions/index.js'), '// mine\n');
    rmSync(join(dir, 'infra/modules/api/main.tf'));
    let err: unknown;
    try {
      initProject({ dir });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ScaffoldConflictError);
    expect((err as ScaffoldConflictError).files).toEqual(['functions/index.js']);
    expect(existsSync(join(dir, 'infra/modules/api/main.tf'))).toBe(false); // nothing written
    const forced = initProject({ dir, force: true });
    expect(forced.written.sort()).toEqual(['functions/index.js', 'infra/modules/api/main.tf']);
    expect(readFileSync(join(dir, 'functions/index.js'), 'utf8')).toBe(repoFile('functions/index.js'));
    const again = initProject({ dir });
    expect(again.written).toEqual([]);
  });

  it("keeps the project's own flows module and firebase.json", () => {
    const dir = project();
    mkdirSync(join(dir, 'lib'));
    writeFileSync(join(dir, 'lib/agent.mts'), 'export {};\n');
    writeFileSync(join(dir, 'firebase.json'), '{"hosting":{}}\n');
    const result = initProject({ dir, flows: 'lib/agent.mts' });
    expect(result.flows).toEqual({ path: 'lib/agent.mts', created: false });
    expect(result.kept.sort()).toEqual(['firebase.json', 'lib/agent.mts']);
    expect(readFileSync(join(dir, 'lib/agent.mts'), 'utf8')).toBe('export {};\n');
    expect(readFileSync(join(dir, 'firebase.json'), 'utf8')).toBe('{"hosting":{}}\n');
    expect(JSON.parse(readFileSync(join(dir, 'cloudrun/worker/package.json'), 'utf8')).config.flows).toBe(
      '../../lib/agent.mts',
    );
  });

  it('refuses a flows module outside the project or one esbuild cannot bundle, naming the option', () => {
    const dir = project();
    expect(() => initProject({ dir, flows: '../flows.ts' })).toThrow(ScaffoldUsageError);
    expect(() => initProject({ dir, flows: 'src/flows.py' })).toThrow(/--flows src\/flows\.py/);
    expect(existsSync(join(dir, 'functions'))).toBe(false);
  });
});
