#!/usr/bin/env node
// Finds (or installs) the Terraform CLI that the offline infra checks use (`fmt -check`, `test` on provider-less
// modules), and prints its path.
//
// Order: TERRAFORM_PATH -> `terraform` on PATH -> `tofu` on PATH -> the project-local tools folder. When none is
// there and Go is installed, `--install` (run by scripts/setup.mjs) builds OpenTofu, the MPL-licensed fork of
// Terraform, from the Go module proxy into .tools/. Why not Terraform itself: HashiCorp publishes its binaries only
// on its own release host, which these machines cannot reach, and Terraform's go.mod replaces nine of its own
// sub-modules with local folders that the proxy never serves, so it cannot be built from the proxy. OpenTofu's
// `fmt` and `test` treat our files the same way (same HCL formatter, same `.tftest.hcl` runner).
// Importable: `resolveTerraform()` returns the path or undefined; `installTerraform()` builds and returns it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The OpenTofu release built when no Terraform is installed (a Go module version on the proxy). */
export const OPENTOFU_VERSION = '1.10.10';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const toolsDir = join(projectRoot, '.tools', `opentofu-${OPENTOFU_VERSION}`);
const exe = process.platform === 'win32' ? '.exe' : '';
const cachedBinary = join(toolsDir, 'bin', `tofu${exe}`);

function works(path) {
  const r = spawnSync(path, ['version'], { encoding: 'utf8', timeout: 20_000, env: quietEnv() });
  return r.status === 0;
}

/** Environment for every terraform/tofu call: no update checks, no prompts, no stray CLI config. */
export function quietEnv(extra = {}) {
  const env = { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_INPUT: '0', ...extra };
  // A CLI config file that does not exist only produces a warning on every call; drop the pointer.
  if (env.TF_CLI_CONFIG_FILE && !existsSync(env.TF_CLI_CONFIG_FILE)) delete env.TF_CLI_CONFIG_FILE;
  return env;
}

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, `${name}${exe}`);
    if (dir && existsSync(candidate) && works(candidate)) return candidate;
  }
  return undefined;
}

/** The path of a working terraform (or tofu) binary, or undefined. Never installs anything. */
export function resolveTerraform() {
  const explicit = process.env.TERRAFORM_PATH;
  if (explicit && existsSync(explicit) && works(explicit)) return explicit;
  return (
    onPath('terraform') ??
    onPath('tofu') ??
    (existsSync(cachedBinary) && works(cachedBinary) ? cachedBinary : undefined)
  );
}

/**
 * Builds the pinned OpenTofu from the Go module proxy into .tools/ (once; minutes, tens of them on a busy 2-core
 * machine). Returns the binary's path, or undefined when Go is missing or the build fails (the reason goes to `log`).
 */
export function installTerraform(log = (line) => process.stderr.write(`[terraform] ${line}\n`)) {
  if (spawnSync('go', ['version']).status !== 0) {
    log(
      'no terraform, tofu or Go toolchain found; install Terraform >= 1.6 (or Go, to build OpenTofu) for the infra checks',
    );
    return undefined;
  }
  const moduleDir = join(toolsDir, 'build');
  const env = { ...process.env, GOFLAGS: '-mod=mod' };
  try {
    rmSync(toolsDir, { recursive: true, force: true });
    mkdirSync(moduleDir, { recursive: true });
    log(
      `building OpenTofu ${OPENTOFU_VERSION} from the Go module proxy into ${toolsDir} (once; minutes, tens of them on a busy 2-core machine)`,
    );
    // OpenTofu's go.mod replaces hcl/v2 with its fork; a replace only counts in the main module, so copy it.
    const info = JSON.parse(
      execFileSync('go', ['mod', 'download', '-json', `github.com/opentofu/opentofu@v${OPENTOFU_VERSION}`], {
        cwd: moduleDir,
        env,
        encoding: 'utf8',
      }),
    );
    const upstreamMod = readFileSync(info.GoMod, 'utf8');
    const goVersion = /^go (\S+)$/m.exec(upstreamMod)?.[1] ?? '1.24';
    const replaces = upstreamMod.split('\n').filter((line) => line.startsWith('replace '));
    writeFileSync(
      join(moduleDir, 'go.mod'),
      [
        'module genkitx-temporal/tools/opentofu',
        '',
        `go ${goVersion}`,
        '',
        `require github.com/opentofu/opentofu v${OPENTOFU_VERSION}`,
        '',
        ...replaces,
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(moduleDir, 'tools.go'),
      '//go:build tools\n\npackage tools\n\nimport _ "github.com/opentofu/opentofu/cmd/tofu"\n',
    );
    execFileSync('go', ['mod', 'tidy'], { cwd: moduleDir, env, stdio: ['ignore', 'ignore', 'inherit'] });
    execFileSync(
      'go',
      ['build', '-trimpath', '-ldflags=-s -w', '-o', cachedBinary, 'github.com/opentofu/opentofu/cmd/tofu'],
      { cwd: moduleDir, env, stdio: ['ignore', 'inherit', 'inherit'] },
    );
  } catch (error) {
    log(`building OpenTofu failed: ${error.message}`);
    return undefined;
  } finally {
    rmSync(moduleDir, { recursive: true, force: true });
  }
  if (!works(cachedBinary)) {
    log(`the built ${cachedBinary} does not run`);
    return undefined;
  }
  return cachedBinary;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const found = resolveTerraform() ?? (process.argv.includes('--install') ? installTerraform() : undefined);
  if (!found) {
    process.stderr.write('no terraform found (run `node scripts/terraform.mjs --install` to build OpenTofu)\n');
    process.exit(1);
  }
  process.stdout.write(`${found}\n`);
}
