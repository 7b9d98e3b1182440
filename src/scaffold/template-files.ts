// Which files of this package are the kit's templates: the folders the scaffolder writes into a user's project,
// which are this repository's own functions/, cloudrun/worker/, cloudrun/api/ and infra/ (one source; the package
// ships them, package.json "files"). What a checkout or a build leaves in those folders is not a template.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The template folders, relative to the package root; each lands at the same path in the user's project. */
export const TEMPLATE_DIRS = ['functions', 'cloudrun/worker', 'cloudrun/api', 'infra'] as const;

/**
 * The templates' `.gitignore` files, which npm never packs (so the package cannot ship them): the scaffolder writes
 * these, and test/unit/scaffold/init.test.ts holds the repository's own files to exactly this content.
 */
export const TEMPLATE_GITIGNORES: Readonly<Record<string, string>> = {
  'functions/.gitignore':
    'node_modules/\n# Emulator only, never deployed: settings (.env.local) and secret values (.secret.local).\n*.local\n',
  'cloudrun/worker/.gitignore': 'node_modules/\ndist/\nvendor/*.tgz\n',
  'cloudrun/api/.gitignore': 'node_modules/\ndist/\nvendor/*.tgz\n',
};

/** Folders never copied: installs, builds, Terraform's working state, and the Terraform modules' own tests. */
const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.terraform', 'tests', '.firebase']);

/**
 * Files never copied: local settings and secrets (`*.local`, `.env*`, `terraform.tfvars`, state), logs, locks and
 * packed tarballs (a project makes its own), and `flows.json`, the manifest the worker writes for the project's
 * own flows (`npm run manifest` in cloudrun/worker).
 */
const SKIPPED_FILES = [
  /^\.gitignore$/, // written from TEMPLATE_GITIGNORES
  /\.local$/,
  /^\.env/,
  /\.log$/,
  /\.tgz$/,
  /^package-lock\.json$/,
  /^\.terraform\.lock\.hcl$/,
  /\.tfstate(\.backup)?$/,
  /^terraform\.tfvars$/,
  /^flows\.json$/,
];

/** True when `name` (a file name) inside a template folder is part of the template. */
export function isTemplateFileName(name: string): boolean {
  return !SKIPPED_FILES.some((pattern) => pattern.test(name));
}

/** Every template file under `root` (a package root), as sorted POSIX paths relative to it. */
export function listTemplateFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (relative: string) => {
    for (const entry of readdirSync(join(root, relative), { withFileTypes: true })) {
      const path = `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) walk(path);
      } else if (entry.isFile() && isTemplateFileName(entry.name)) {
        files.push(path);
      }
    }
  };
  for (const dir of TEMPLATE_DIRS) walk(dir);
  return files.sort();
}
