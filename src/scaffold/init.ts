// `genkitx-temporal init`: writes the kit's templates (this package's functions/, cloudrun/worker/, cloudrun/api/
// and infra/) into a project, pointed at the project's flows module and at genkitx-temporal from the npm registry,
// with the substitutions of substitutions.ts and nothing else. Refuses to overwrite a file that differs unless
// told to (`force`); a file that already holds exactly what would be written is left as it is, so a second run is a
// no-op.
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { WORKER_EXAMPLE_FLOWS, substitute } from './substitutions';
import { listTemplateFiles, TEMPLATE_GITIGNORES } from './template-files';

export interface InitOptions {
  /** The project to write into (created if missing). */
  dir: string;
  /**
   * The project's flows module, relative to `dir`: the worker bundles it and serves its flows. Written from the
   * kit's example when it does not exist. @default 'src/flows.ts'
   */
  flows?: string;
  /** Overwrite files that exist with other content. @default false */
  force?: boolean;
  /** The package whose templates are written. @default this package */
  packageRoot?: string;
}

export interface InitResult {
  /** The project, absolute. */
  dir: string;
  /** Files written (new or overwritten), relative to `dir`, POSIX. */
  written: string[];
  /** Files that already held what would be written. */
  unchanged: string[];
  /** Project files the kit would add but that exist and stay as they are (`firebase.json`, the flows module). */
  kept: string[];
  /** The flows module, relative to `dir`, and whether it was written from the example. */
  flows: { path: string; created: boolean };
}

/** Files of the project that differ from what `init` would write; nothing was written. */
export class ScaffoldConflictError extends Error {
  override readonly name = 'ScaffoldConflictError';
  constructor(readonly files: string[]) {
    super(
      `genkitx-temporal init: ${files.length} file(s) exist with other content, nothing was written: ` +
        `${files.join(', ')}. Move them away, or run again with --force to overwrite them.`,
    );
  }
}

/** A bad option (`--flows`); nothing was written. */
export class ScaffoldUsageError extends Error {
  override readonly name = 'ScaffoldUsageError';
}

/** The Firebase project file the CLI deploys `functions/` from, for a project that has none yet. */
const FIREBASE_JSON = `${JSON.stringify(
  { functions: [{ source: 'functions', codebase: 'default', ignore: ['node_modules', '.git', '*.local', '*.log'] }] },
  null,
  2,
)}\n`;

const FLOWS_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs']);

/** This package's root: dist/scaffold/ (or src/scaffold/ from source) is two levels down. */
export function packageRoot(): string {
  return resolve(__dirname, '..', '..');
}

/** Writes the templates into `options.dir`; see the file comment. */
export function initProject(options: InitOptions): InitResult {
  const root = options.packageRoot ?? packageRoot();
  const dir = resolve(options.dir);
  const flowsPath = flowsModulePath(dir, options.flows ?? 'src/flows.ts');
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const context = {
    version,
    flowsFromWorker: toPosix(relative(join(dir, 'cloudrun', 'worker'), join(dir, flowsPath))),
  };

  const plan: { path: string; content: string; mode?: number }[] = [];
  for (const file of listTemplateFiles(root)) {
    const content = substitute(file, readFileSync(join(root, file), 'utf8'), context);
    if (content !== undefined) plan.push({ path: file, content, mode: statSync(join(root, file)).mode & 0o777 });
  }
  for (const [path, content] of Object.entries(TEMPLATE_GITIGNORES)) plan.push({ path, content });
  const kept: string[] = [];
  const extra = (path: string, content: string) => {
    if (plan.some((p) => p.path === path)) return; // the template itself (flows kept in the worker)
    if (existsSync(join(dir, path))) kept.push(path);
    else plan.push({ path, content });
  };
  const flowsCreated = !existsSync(join(dir, flowsPath));
  extra(flowsPath, readFileSync(join(root, WORKER_EXAMPLE_FLOWS), 'utf8'));
  extra('firebase.json', FIREBASE_JSON);

  const unchanged: string[] = [];
  const conflicts: string[] = [];
  const toWrite = plan.filter(({ path, content }) => {
    const target = join(dir, path);
    if (!existsSync(target)) return true;
    if (readFileSync(target, 'utf8') === content) {
      unchanged.push(path);
      return false;
    }
    conflicts.push(path);
    return true;
  });
  if (conflicts.length && !options.force) throw new ScaffoldConflictError(conflicts);
  for (const { path, content, mode } of toWrite) {
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
    if (mode !== undefined) chmodSync(target, mode);
  }
  return {
    dir,
    written: toWrite.map((p) => p.path),
    unchanged,
    kept,
    flows: { path: flowsPath, created: flowsCreated },
  };
}

/** `flows` as a POSIX path relative to `dir`, checked: inside the project, a module esbuild bundles. */
function flowsModulePath(dir: string, flows: string): string {
  const absolute = isAbsolute(flows) ? flows : resolve(dir, flows);
  const path = toPosix(relative(dir, absolute));
  if (!path || path.startsWith('../') || isAbsolute(path)) {
    throw new ScaffoldUsageError(`--flows ${flows}: the flows module must be inside the project (${dir})`);
  }
  if (!FLOWS_EXTENSIONS.has(extname(path))) {
    throw new ScaffoldUsageError(`--flows ${flows}: expected a .ts, .mts, .cts, .js, .mjs or .cjs module`);
  }
  return path;
}

function toPosix(path: string): string {
  return path.split(sep).join('/');
}
