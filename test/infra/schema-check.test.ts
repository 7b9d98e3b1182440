// The schema check on the real templates, and the cases that prove it can fail: every kind of mistake
// `terraform validate` would report is planted in a small config or in a copy of infra/ and must be found.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkTerraformTree,
  formatFinding,
  loadGoogleSchema,
  resolveAttributePath,
  type ProviderSchema,
} from './schema-check';

const root = join(__dirname, '..', '..');
const infra = join(root, 'infra');
const schemaPath = join(root, 'test', 'fixtures', 'terraform', 'google-provider-7.45.0-schema.json');

let google: ProviderSchema;
const scratch: string[] = [];

beforeAll(async () => {
  google = await loadGoogleSchema(schemaPath);
});

afterAll(async () => {
  await Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tf-schema-'));
  scratch.push(dir);
  return dir;
}

/** Checks a one-file config and returns the findings as `address: message` lines. */
async function check(hcl: string): Promise<string[]> {
  const dir = await tempDir();
  await writeFile(join(dir, 'main.tf'), hcl);
  return (await checkTerraformTree(dir, google)).map((f) => `${f.address}: ${f.message}`);
}

/** A copy of infra/ with one file edited; returns its findings. */
async function checkEditedCopy(file: string, edit: (text: string) => string): Promise<string[]> {
  const dir = await tempDir();
  await cp(infra, dir, { recursive: true });
  const path = join(dir, file);
  const before = await readFile(path, 'utf8');
  const after = edit(before);
  expect(after, 'the edit must change the file').not.toBe(before);
  await writeFile(path, after);
  return (await checkTerraformTree(dir, google)).map(formatFinding);
}

const workerPool = (scaling: string, extra = '') => `
resource "google_cloud_run_v2_worker_pool" "wp" {
  name     = "wp"
  location = "us-central1"
  ${scaling}
  template {
    containers {
      image = "img"
    }
  }
  ${extra}
}
`;

describe('schema check of infra/', () => {
  it('finds nothing wrong in the templates', async () => {
    const findings = await checkTerraformTree(infra, google);
    expect(findings.map(formatFinding)).toEqual([]);
  });

  it('fails a copy with a misspelled argument in the worker pool', async () => {
    const findings = await checkEditedCopy('modules/worker/main.tf', (tf) =>
      tf.replace('manual_instance_count = var.instances', 'manual_instance_cont = var.instances'),
    );
    expect(findings).toEqual([
      'modules/worker/main.tf: resource.google_cloud_run_v2_worker_pool.worker.scaling[0].manual_instance_cont: unknown argument or block (not in the provider schema)',
    ]);
  });

  it('fails a copy whose API container lost its required image', async () => {
    const findings = await checkEditedCopy('modules/api/main.tf', (tf) =>
      tf.replace(/\n\s+image\s+= module\.container\.spec\.image\n/, '\n'),
    );
    expect(findings).toEqual([
      'modules/api/main.tf: resource.google_cloud_run_v2_service.api.template[0].containers[0].image: required argument is missing',
    ]);
  });

  it('fails a copy that ignores changes of an argument the worker pool does not have', async () => {
    const findings = await checkEditedCopy('modules/worker/main.tf', (tf) =>
      tf.replace('      scaling[0].manual_instance_count,\n', '      scaling[0].instance_count,\n'),
    );
    expect(findings).toHaveLength(1);
    expect(findings[0]).toContain('lifecycle[0].ignore_changes: "scaling[0].instance_count"');
  });

  it('fails a copy whose rollout grants name an argument the IAM resources do not have', async () => {
    const findings = await checkEditedCopy('modules/worker/main.tf', (tf) =>
      tf.replace('  service_account_id = module.identity.name\n', '  service_account    = module.identity.name\n'),
    );
    expect(findings).toEqual([
      'modules/worker/main.tf: resource.google_service_account_iam_member.deployers_act_as.service_account_id: required argument is missing',
      'modules/worker/main.tf: resource.google_service_account_iam_member.deployers_act_as.service_account: unknown argument or block (not in the provider schema)',
    ]);
  });

  it('fails a copy whose run-identity binding misspells an argument and whose caller passes it nothing it declares', async () => {
    const binding = await checkEditedCopy('modules/run-identity/main.tf', (tf) =>
      tf.replace('secret_id = each.value', 'secret    = each.value'),
    );
    expect(binding).toEqual([
      'modules/run-identity/main.tf: resource.google_secret_manager_secret_iam_member.secret_access.secret_id: required argument is missing',
      'modules/run-identity/main.tf: resource.google_secret_manager_secret_iam_member.secret_access.secret: unknown argument or block (not in the provider schema)',
    ]);
    const call = await checkEditedCopy('modules/worker/main.tf', (tf) =>
      tf.replace('  secrets      = module.container.secrets', '  secret_env   = module.container.secrets'),
    );
    expect(call).toEqual([
      'modules/worker/main.tf: module.identity.secret_env: module ../run-identity has no variable "secret_env"',
    ]);
  });

  it('fails a copy that passes an unknown variable to a module', async () => {
    const findings = await checkEditedCopy('envs/example/main.tf', (tf) =>
      tf.replace('kind                = var.worker_kind', 'kinds               = var.worker_kind'),
    );
    expect(findings).toEqual([
      'envs/example/main.tf: module.worker.kinds: module ../../modules/worker has no variable "kinds"',
    ]);
  });

  it('fails a copy that leaves out a required module variable', async () => {
    const findings = await checkEditedCopy('envs/example/main.tf', (tf) =>
      tf.replace(/\n\s+container = \{\n\s+image\s+= local\.api_image\n(.*\n)*?\s+\}\n/, '\n'),
    );
    expect(findings).toEqual(['envs/example/main.tf: module.api.container: required module variable is missing']);
  });
});

describe('schema checker', () => {
  it('accepts a minimal valid worker pool with meta-arguments and a lifecycle', async () => {
    const findings = await check(
      workerPool(
        'scaling {\n manual_instance_count = 1\n }',
        `count = 1
  provider = google
  depends_on = []
  lifecycle {
    ignore_changes = [scaling[0].manual_instance_count]
  }`,
      ),
    );
    expect(findings).toEqual([]);
  });

  it('reports an unknown resource type', async () => {
    expect(await check('resource "google_cloud_run_v3_service" "s" {\n name = "x"\n}\n')).toEqual([
      'resource.google_cloud_run_v3_service.s: unknown resource type "google_cloud_run_v3_service" (not in the provider schema)',
    ]);
  });

  it('reports a missing required attribute and a missing required block', async () => {
    expect(await check('resource "google_cloud_run_v2_service" "s" {\n location = "us-central1"\n}\n')).toEqual([
      'resource.google_cloud_run_v2_service.s.name: required argument is missing',
      'resource.google_cloud_run_v2_service.s.template: required block is missing',
    ]);
  });

  it('reports a block written as an attribute', async () => {
    expect(await check(workerPool('scaling = { manual_instance_count = 1 }'))).toEqual([
      'resource.google_cloud_run_v2_worker_pool.wp.scaling: is a block; write "scaling { ... }" instead of "scaling = ..."',
    ]);
  });

  it('reports an attribute written as a block', async () => {
    expect(await check(workerPool('labels {\n team = "a"\n }'))).toEqual([
      'resource.google_cloud_run_v2_worker_pool.wp.labels: is an attribute; write "labels = ..." instead of a block',
    ]);
  });

  it('reports a singleton block given twice', async () => {
    expect(await check(workerPool('scaling {\n}\n scaling {\n}'))).toEqual([
      'resource.google_cloud_run_v2_worker_pool.wp.scaling: at most 1 block(s) allowed, found 2',
    ]);
  });

  it('checks the content of dynamic blocks and refuses dynamic attributes', async () => {
    const hcl = `
resource "google_cloud_run_v2_worker_pool" "wp" {
  name     = "wp"
  location = "us-central1"
  template {
    containers {
      image = "img"
      dynamic "env" {
        for_each = var.env
        content {
          name = env.key
          valeu = env.value
        }
      }
    }
  }
  dynamic "labels" {
    for_each = {}
    content {}
  }
}
`;
    expect(await check(hcl)).toEqual([
      'resource.google_cloud_run_v2_worker_pool.wp.dynamic.labels: is an attribute; dynamic only generates blocks',
      'resource.google_cloud_run_v2_worker_pool.wp.template[0].containers[0].dynamic.env[0].content.valeu: unknown argument or block (not in the provider schema)',
    ]);
  });

  it('lets a dynamic block satisfy a required block', async () => {
    const hcl = `
resource "google_secret_manager_secret" "s" {
  secret_id = "x"
  dynamic "replication" {
    for_each = [1]
    content {
      auto {}
    }
  }
}
`;
    expect(await check(hcl)).toEqual([]);
  });

  it('allows meta-argument names only at the top: depends_on is real inside containers, count is not', async () => {
    const hcl = `
resource "google_cloud_run_v2_worker_pool" "wp" {
  name     = "wp"
  location = "us-central1"
  template {
    count = 2
    containers {
      image      = "img"
      depends_on = ["sidecar"]
    }
  }
}
`;
    expect(await check(hcl)).toEqual([
      'resource.google_cloud_run_v2_worker_pool.wp.template[0].count: unknown argument or block (not in the provider schema)',
    ]);
  });

  it('reports read-only and deprecated attributes and literals of the wrong type', async () => {
    const hcl = `
resource "google_cloud_run_v2_worker_pool" "wp" {
  name                = "wp"
  location            = "us-central1"
  uid                 = "x"
  custom_audiences    = ["a"]
  deletion_protection = "yes"
  template {
    containers {
      image = "img"
    }
  }
}
`;
    expect(await check(hcl)).toEqual([
      'resource.google_cloud_run_v2_worker_pool.wp.custom_audiences: is deprecated in the provider schema',
      'resource.google_cloud_run_v2_worker_pool.wp.deletion_protection: expects a bool, got "yes"',
      'resource.google_cloud_run_v2_worker_pool.wp.uid: is read-only (computed by the provider)',
    ]);
  });

  it('knows where the schemas differ: a job secret_key_ref needs a version, a service one does not', async () => {
    const env = `env {
        name = "K"
        value_source {
          secret_key_ref {
            secret = "s"
          }
        }
      }`;
    const job = `
resource "google_cloud_run_v2_job" "j" {
  name     = "j"
  location = "us-central1"
  template {
    template {
      containers {
        image = "img"
        ${env}
      }
    }
  }
}
`;
    expect(await check(job)).toEqual([
      'resource.google_cloud_run_v2_job.j.template[0].template[0].containers[0].env[0].value_source[0].secret_key_ref[0].version: required argument is missing',
    ]);
    const service = `
resource "google_cloud_run_v2_service" "s" {
  name     = "s"
  location = "us-central1"
  template {
    containers {
      image = "img"
      ${env}
    }
  }
}
`;
    expect(await check(service)).toEqual([]);
  });

  it('checks data sources and the provider block', async () => {
    const hcl = `
provider "google" {
  project = "p"
  regoin  = "us-central1"
}
data "google_project" "p" {
  count      = 1
  project_id = "p"
  nombre     = 1
}
`;
    expect(await check(hcl)).toEqual([
      'data.google_project.p.nombre: unknown argument or block (not in the provider schema)',
      'provider.google.regoin: unknown argument or block (not in the provider schema)',
    ]);
  });

  it('rejects a file that does not parse', async () => {
    await expect(check('resource "google_service_account" "a" {\n')).rejects.toThrow(/Unclosed configuration block/);
  });

  it('resolves attribute paths through nested blocks', () => {
    const wp = google.resource_schemas.google_cloud_run_v2_worker_pool.block;
    expect(resolveAttributePath(wp, 'scaling[0].manual_instance_count')).toBeUndefined();
    expect(resolveAttributePath(wp, 'template[0].containers[0].image')).toBeUndefined();
    expect(resolveAttributePath(wp, 'labels.team')).toBeUndefined();
    expect(resolveAttributePath(wp, 'scaling.manual_instance_count')).toMatch(/index it/);
    expect(resolveAttributePath(wp, 'scaling[0].min_instances')).toMatch(/not an argument or block/);
  });
});
