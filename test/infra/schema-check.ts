// What `terraform validate` would catch, without the provider: every resource, data source and provider block in
// a Terraform tree is checked against the vendored `hashicorp/google` schema (test/fixtures/terraform), and every
// call of a local module against that module's variables. Parsing is @cdktf/hcl2json, which turns blocks into
// arrays of objects and keeps expressions as "${...}" strings; the walk below relies on exactly that shape.
import { readFile, readdir } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { parse } from '@cdktf/hcl2json';

/** One attribute of a provider schema block (`terraform providers schema -json`). */
export type SchemaAttribute = {
  type: unknown;
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
  deprecated?: boolean;
};

/** One block of a provider schema, with its nested block types. */
export type SchemaBlock = {
  attributes?: Record<string, SchemaAttribute>;
  block_types?: Record<string, { nesting_mode: string; min_items?: number; max_items?: number; block: SchemaBlock }>;
};

/** The schema of one provider: its own configuration block, resources and data sources. */
export type ProviderSchema = {
  provider: { block: SchemaBlock };
  resource_schemas: Record<string, { block: SchemaBlock }>;
  data_source_schemas: Record<string, { block: SchemaBlock }>;
};

/** A problem found in a template; `address` reads like Terraform's (`resource.type.name.block[0].arg`). */
export type Finding = { file: string; address: string; message: string };

type Body = Record<string, unknown>;
type ParsedFile = { file: string; json: Record<string, unknown> };

/** Meta-arguments Terraform itself handles, allowed at the top of a resource or data block only. */
const RESOURCE_META = new Set([
  'count',
  'for_each',
  'depends_on',
  'lifecycle',
  'provider',
  'connection',
  'provisioner',
]);
const DATA_META = new Set(['count', 'for_each', 'depends_on', 'lifecycle', 'provider']);
const MODULE_META = new Set(['source', 'version', 'count', 'for_each', 'depends_on', 'providers']);
const LIFECYCLE_ARGS = new Set([
  'create_before_destroy',
  'prevent_destroy',
  'ignore_changes',
  'replace_triggered_by',
  'precondition',
  'postcondition',
]);

/**
 * Reads the google provider out of a `terraform providers schema -json` document.
 *
 * @example
 * const google = await loadGoogleSchema('test/fixtures/terraform/google-provider-7.45.0-schema.json');
 */
export async function loadGoogleSchema(path: string): Promise<ProviderSchema> {
  const doc = JSON.parse(await readFile(path, 'utf8')) as { provider_schemas: Record<string, ProviderSchema> };
  const entry = Object.entries(doc.provider_schemas).find(([address]) => address.endsWith('/hashicorp/google'));
  if (!entry) throw new Error(`${path} has no hashicorp/google provider schema`);
  return entry[1];
}

/** Every `.tf` file under `root`, recursively, skipping `.terraform` working folders. */
export async function findTerraformFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const path = join(root, entry.name);
    if (entry.isDirectory()) found.push(...(await findTerraformFiles(path)));
    else if (entry.name.endsWith('.tf')) found.push(path);
  }
  return found.sort();
}

// The WASM parser takes a few hundred ms per file on a busy machine; identical contents parse once per process.
const parsedByContents = new Map<string, Promise<Record<string, unknown>>>();

/** Parses one `.tf` file into Terraform's JSON shape; a syntax error rejects with the parser's message. */
export async function parseTerraformFile(file: string): Promise<Record<string, unknown>> {
  const contents = await readFile(file, 'utf8');
  let parsed = parsedByContents.get(contents);
  if (!parsed) {
    parsed = parse(file, contents) as Promise<Record<string, unknown>>;
    parsedByContents.set(contents, parsed);
    parsed.catch(() => parsedByContents.delete(contents));
  }
  // Callers get their own copy: the cache must not see their edits.
  return structuredClone(await parsed);
}

/**
 * Checks every `.tf` file under `root` and returns the findings (none means the tree passes).
 *
 * @example
 * const findings = await checkTerraformTree('infra', await loadGoogleSchema(schemaPath));
 * if (findings.length) throw new Error(findings.map(formatFinding).join('\n'));
 */
export async function checkTerraformTree(root: string, schema: ProviderSchema): Promise<Finding[]> {
  const files = await findTerraformFiles(root);
  const parsed: ParsedFile[] = await Promise.all(
    files.map(async (file) => ({ file, json: await parseTerraformFile(file) })),
  );
  const findings: Finding[] = [];
  for (const { file, json } of parsed) {
    const at = relative(root, file) || file;
    checkResources(json.resource, schema.resource_schemas, 'resource', RESOURCE_META, at, findings);
    checkResources(json.data, schema.data_source_schemas, 'data', DATA_META, at, findings);
    for (const [name, bodies] of Object.entries((json.provider ?? {}) as Record<string, Body[]>)) {
      if (name !== 'google') continue;
      for (const body of bodies) {
        const rest = omit(body, new Set(['alias', 'version']));
        checkBlock(schema.provider.block, rest, `provider.google`, at, findings);
      }
    }
  }
  await checkModuleCalls(parsed, root, findings);
  return findings.sort((a, b) => formatFinding(a).localeCompare(formatFinding(b)));
}

/** `file: address: message`, one line per finding. */
export function formatFinding(f: Finding): string {
  return `${f.file}: ${f.address}: ${f.message}`;
}

function checkResources(
  section: unknown,
  schemas: Record<string, { block: SchemaBlock }>,
  kind: 'resource' | 'data',
  meta: Set<string>,
  file: string,
  findings: Finding[],
): void {
  for (const [type, byName] of Object.entries((section ?? {}) as Record<string, Record<string, Body[]>>)) {
    for (const [name, bodies] of Object.entries(byName)) {
      const address = `${kind}.${type}.${name}`;
      const schema = schemas[type];
      if (!type.startsWith('google_')) continue; // other providers (terraform_data, random, ...) are not ours to check
      if (!schema) {
        findings.push({ file, address, message: `unknown ${kind} type "${type}" (not in the provider schema)` });
        continue;
      }
      for (const body of bodies) {
        checkLifecycle(body.lifecycle, schema.block, address, file, findings);
        checkBlock(schema.block, omit(body, meta), address, file, findings);
      }
    }
  }
}

/**
 * Checks one block body against its schema, recursively: unknown names, read-only and deprecated attributes,
 * blocks written as attributes and the reverse, block counts, `dynamic` blocks, required attributes and blocks.
 */
export function checkBlock(schema: SchemaBlock, body: Body, address: string, file: string, findings: Finding[]): void {
  const attributes = schema.attributes ?? {};
  const blockTypes = schema.block_types ?? {};
  const present = new Set<string>();

  for (const [name, value] of Object.entries(body)) {
    if (name === 'dynamic') {
      for (const [blockName, generators] of Object.entries((value ?? {}) as Record<string, Body[]>)) {
        const at = `${address}.dynamic.${blockName}`;
        const blockType = blockTypes[blockName];
        if (!blockType) {
          const what = attributes[blockName] ? 'is an attribute; dynamic only generates blocks' : 'unknown block type';
          findings.push({ file, address: at, message: what });
          continue;
        }
        present.add(blockName);
        generators.forEach((generator, i) => {
          const { content, for_each: forEach, ...rest } = generator;
          for (const extra of Object.keys(rest)) {
            if (extra !== 'iterator' && extra !== 'labels') {
              findings.push({ file, address: `${at}[${i}].${extra}`, message: 'unknown argument of a dynamic block' });
            }
          }
          if (forEach === undefined)
            findings.push({ file, address: `${at}[${i}]`, message: 'dynamic block needs for_each' });
          const contents = Array.isArray(content) ? (content as Body[]) : [];
          if (contents.length !== 1) {
            findings.push({ file, address: `${at}[${i}]`, message: 'dynamic block needs exactly one content block' });
          }
          contents.forEach((c) => checkBlock(blockType.block, c, `${at}[${i}].content`, file, findings));
        });
      }
      continue;
    }

    const at = `${address}.${name}`;
    const attribute = attributes[name];
    const blockType = blockTypes[name];
    if (attribute) {
      present.add(name);
      if (isBlockSyntax(value) && !typeHasObjects(attribute.type)) {
        findings.push({ file, address: at, message: `is an attribute; write "${name} = ..." instead of a block` });
      } else if (attribute.computed && !attribute.optional && !attribute.required) {
        findings.push({ file, address: at, message: 'is read-only (computed by the provider)' });
      } else if (attribute.deprecated) {
        findings.push({ file, address: at, message: 'is deprecated in the provider schema' });
      } else {
        const typeProblem = literalTypeProblem(attribute.type, value);
        if (typeProblem) findings.push({ file, address: at, message: typeProblem });
      }
      continue;
    }
    if (blockType) {
      present.add(name);
      if (!isBlockSyntax(value)) {
        findings.push({ file, address: at, message: `is a block; write "${name} { ... }" instead of "${name} = ..."` });
        continue;
      }
      const items = value as Body[];
      if (blockType.max_items !== undefined && items.length > blockType.max_items) {
        findings.push({
          file,
          address: at,
          message: `at most ${blockType.max_items} block(s) allowed, found ${items.length}`,
        });
      }
      items.forEach((item, i) => checkBlock(blockType.block, item, `${at}[${i}]`, file, findings));
      continue;
    }
    findings.push({ file, address: at, message: 'unknown argument or block (not in the provider schema)' });
  }

  for (const [name, attribute] of Object.entries(attributes)) {
    if (attribute.required && !present.has(name)) {
      findings.push({ file, address: `${address}.${name}`, message: 'required argument is missing' });
    }
  }
  for (const [name, blockType] of Object.entries(blockTypes)) {
    if ((blockType.min_items ?? 0) > 0 && !present.has(name)) {
      findings.push({ file, address: `${address}.${name}`, message: 'required block is missing' });
    }
  }
}

/** `lifecycle` is Terraform's, but `ignore_changes` paths must name real arguments of the resource. */
function checkLifecycle(value: unknown, schema: SchemaBlock, address: string, file: string, findings: Finding[]): void {
  if (value === undefined) return;
  for (const [i, lifecycle] of (value as Body[]).entries()) {
    const at = `${address}.lifecycle[${i}]`;
    for (const name of Object.keys(lifecycle)) {
      if (!LIFECYCLE_ARGS.has(name))
        findings.push({ file, address: `${at}.${name}`, message: 'unknown lifecycle argument' });
    }
    const ignored = lifecycle.ignore_changes;
    if (!Array.isArray(ignored)) continue; // `all` or an expression
    for (const entry of ignored) {
      const path = String(entry).replace(/^\$\{|\}$/g, '');
      const problem = resolveAttributePath(schema, path);
      if (problem) findings.push({ file, address: `${at}.ignore_changes`, message: `"${path}": ${problem}` });
    }
  }
}

/** Walks `scaling[0].manual_instance_count` through the schema; returns a problem or undefined. */
export function resolveAttributePath(schema: SchemaBlock, path: string): string | undefined {
  const steps = path.split('.').map((step) => /^([A-Za-z_][A-Za-z0-9_-]*)((?:\[[^\]]+\])*)$/.exec(step));
  let block: SchemaBlock = schema;
  for (const [i, match] of steps.entries()) {
    if (!match) return 'not an attribute path';
    const [, name, index] = match;
    const blockType = block.block_types?.[name];
    if (blockType) {
      if (blockType.nesting_mode !== 'single' && !index && i < steps.length - 1) {
        return `block "${name}" is a ${blockType.nesting_mode}; index it (${name}[0])`;
      }
      block = blockType.block;
      continue;
    }
    if (block.attributes?.[name]) return undefined; // the rest (if any) is a key inside the attribute's value
    return `"${name}" is not an argument or block here`;
  }
  return undefined;
}

async function checkModuleCalls(parsed: ParsedFile[], root: string, findings: Finding[]): Promise<void> {
  const variablesByDir = new Map<string, Map<string, Body>>();
  const variablesOf = async (dir: string) => {
    let variables = variablesByDir.get(dir);
    if (!variables) {
      variables = new Map();
      for (const file of (await readdir(dir)).filter((f) => f.endsWith('.tf'))) {
        const json = await parseTerraformFile(join(dir, file));
        for (const [name, bodies] of Object.entries((json.variable ?? {}) as Record<string, Body[]>)) {
          variables.set(name, bodies[0]);
        }
      }
      variablesByDir.set(dir, variables);
    }
    return variables;
  };

  for (const { file, json } of parsed) {
    const at = relative(root, file) || file;
    for (const [name, bodies] of Object.entries((json.module ?? {}) as Record<string, Body[]>)) {
      for (const body of bodies) {
        const source = body.source;
        if (typeof source !== 'string' || !source.startsWith('.')) continue; // registry modules are not vendored
        const dir = resolve(dirname(file), source);
        let variables: Map<string, Body>;
        try {
          variables = await variablesOf(dir);
        } catch {
          findings.push({ file: at, address: `module.${name}.source`, message: `no module at ${source}` });
          continue;
        }
        for (const arg of Object.keys(body)) {
          if (MODULE_META.has(arg)) continue;
          if (!variables.has(arg)) {
            findings.push({
              file: at,
              address: `module.${name}.${arg}`,
              message: `module ${source} has no variable "${arg}"`,
            });
          }
        }
        for (const [variable, declaration] of variables) {
          if (!('default' in declaration) && !(variable in body)) {
            findings.push({
              file: at,
              address: `module.${name}.${variable}`,
              message: 'required module variable is missing',
            });
          }
        }
      }
    }
  }
}

function omit(body: Body, names: Set<string>): Body {
  return Object.fromEntries(Object.entries(body).filter(([k]) => !names.has(k)));
}

/** hcl2json writes every block as an array of objects; an attribute is a scalar, a "${...}" string or a map. */
function isBlockSyntax(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((v) => v !== null && typeof v === 'object' && !Array.isArray(v))
  );
}

function typeHasObjects(type: unknown): boolean {
  return JSON.stringify(type).includes('"object"');
}

/** Literal values only: expressions ("${...}") are Terraform's to type at plan time. */
function literalTypeProblem(type: unknown, value: unknown): string | undefined {
  if (typeof value === 'string' && value.includes('${')) return undefined;
  if (type === 'number' && typeof value !== 'number' && !(typeof value === 'string' && /^-?[0-9.]+$/.test(value))) {
    return `expects a number, got ${JSON.stringify(value)}`;
  }
  if (type === 'bool' && typeof value !== 'boolean' && value !== 'true' && value !== 'false') {
    return `expects a bool, got ${JSON.stringify(value)}`;
  }
  if (type === 'string' && (typeof value === 'object' || Array.isArray(value))) {
    return `expects a string, got ${JSON.stringify(value)}`;
  }
  if (Array.isArray(type) && (type[0] === 'list' || type[0] === 'set') && value !== null && typeof value !== 'object') {
    return `expects a ${type[0]}, got ${JSON.stringify(value)}`;
  }
  return undefined;
}
