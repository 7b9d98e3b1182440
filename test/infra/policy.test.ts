// Security and contract policies of infra/, read from the parsed templates:
// - no public invoker on the worker or the autoscaler;
// - secrets reach containers only through Secret Manager references, never as literal values or in state;
// - each component's environment is exactly the contract in src/common/env-contract.ts (both directions);
// - each service account holds only the roles in the table below, each on one named resource;
// - every service account and secret binding comes from the run-identity module, and the modules that used to
//   create them carry the moved blocks that keep existing deployments' accounts and bindings.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_ENV, AUTOSCALER_ENV, PLATFORM_ENV, WORKER_ENV } from '../../src/common/env-contract';
import { findTerraformFiles, parseTerraformFile } from './schema-check';

type Body = Record<string, any>;
type Resource = { module: string; type: string; name: string; body: Body };

const infra = join(__dirname, '..', '..', 'infra');
/** Read by Node itself rather than by the kit's code, so not in the contract; the templates may set them. */
const NODE_RUNTIME_ENV = ['NODE_OPTIONS'];
const SECRET_LIKE = /KEY|SECRET|TOKEN|PASSWORD/i;
const CONTRACT = { worker: WORKER_ENV, api: API_ENV, autoscaler: AUTOSCALER_ENV } as const;
type Component = keyof typeof CONTRACT;

/**
 * The only roles any identity of the kit gets, as `role on <resource type>`. Component service accounts are named
 * by the run-identity call that creates them (`module.call`); a grant inside run-identity counts for each caller.
 * Everything else is a principal the user passes in (or allUsers).
 */
const EXPECTED_ROLES: Record<string, string[]> = {
  'worker.identity': ['roles/secretmanager.secretAccessor on google_secret_manager_secret'],
  'api.identity': ['roles/secretmanager.secretAccessor on google_secret_manager_secret'],
  'autoscaler.identity': [
    'roles/iam.serviceAccountUser on google_service_account',
    'roles/run.developer on google_cloud_run_v2_service',
    'roles/run.developer on google_cloud_run_v2_worker_pool',
    'roles/secretmanager.secretAccessor on google_secret_manager_secret',
  ],
  'autoscaler.scheduler_identity': ['roles/run.invoker on google_cloud_run_v2_job'],
  // Principals from outside, each behind a switch the user sets (see the API and registry modules).
  'api.allUsers': ['roles/run.invoker on google_cloud_run_v2_service'],
  'api.${each.value}': ['roles/run.invoker on google_cloud_run_v2_service'],
  'api.IAP service agent': ['roles/run.invoker on google_cloud_run_v2_service'],
  'registry.${each.value}': ['roles/artifactregistry.writer on google_artifact_registry_repository'],
  // Whoever runs the rollout (worker_deployers): deploy revisions of the one worker pool, act as its identity.
  'worker.${each.value}': [
    'roles/iam.serviceAccountUser on google_service_account',
    'roles/run.developer on google_cloud_run_v2_worker_pool',
  ],
};

/** A `module` block: where it stands (module), its name and its arguments. */
type ModuleCall = { module: string; name: string; body: Body };
type Moved = { module: string; from: string; to: string };

type Tree = {
  resources: Resource[];
  locals: Body;
  /** The example's module calls by name. */
  moduleCalls: Record<string, Body>;
  /** Every module call in infra/, the example's included. */
  calls: ModuleCall[];
  moved: Moved[];
  variables: Record<string, Body>;
  outputs: Record<string, Body>;
};
let tree: Tree;

/** Parses every file of infra/ into one flat view: resources by module, the example's locals and module calls. */
async function loadTree(): Promise<Tree> {
  const result: Tree = { resources: [], locals: {}, moduleCalls: {}, calls: [], moved: [], variables: {}, outputs: {} };
  for (const file of await findTerraformFiles(infra)) {
    const json = await parseTerraformFile(file);
    const where = file.slice(infra.length + 1).split('/');
    const module = where[0] === 'modules' ? where[1] : `envs/${where[1]}`;
    for (const [type, byName] of Object.entries((json.resource ?? {}) as Record<string, Record<string, Body[]>>)) {
      for (const [name, bodies] of Object.entries(byName))
        result.resources.push({ module, type, name, body: bodies[0] });
    }
    for (const [name, bodies] of Object.entries((json.variable ?? {}) as Record<string, Body[]>)) {
      result.variables[`${module}.${name}`] = bodies[0];
    }
    for (const [name, bodies] of Object.entries((json.output ?? {}) as Record<string, Body[]>)) {
      result.outputs[`${module}.${name}`] = bodies[0];
    }
    for (const [name, bodies] of Object.entries((json.module ?? {}) as Record<string, Body[]>)) {
      result.calls.push({ module, name, body: bodies[0] });
    }
    for (const m of (json.moved ?? []) as Body[]) {
      result.moved.push({ module, from: String(m.from).slice(2, -1), to: String(m.to).slice(2, -1) });
    }
    if (module === 'envs/example') {
      for (const locals of (json.locals ?? []) as Body[]) Object.assign(result.locals, locals);
      for (const [name, bodies] of Object.entries((json.module ?? {}) as Record<string, Body[]>)) {
        result.moduleCalls[name] = bodies[0];
      }
    }
  }
  return result;
}

beforeAll(async () => {
  tree = await loadTree();
});

/** Every `containers` block of a Cloud Run resource (services and worker pools: template; jobs: template.template). */
function containersOf(body: Body): Body[] {
  const template = body.template?.[0];
  if (!template) return [];
  return [...(template.containers ?? []), ...(template.template?.[0]?.containers ?? [])];
}

/** What every container's env blocks iterate: the container as run-container checked it (plain, then secrets). */
const PLAIN_ENV = '${module.container.spec.env}';
const SECRET_ENV = '${module.container.spec.secret_env}';

type EnvSource = { kind: 'static' | 'dynamic'; forEach?: string; entry: Body };
function envSources(container: Body): EnvSource[] {
  return [
    ...((container.env ?? []) as Body[]).map((entry) => ({ kind: 'static' as const, entry })),
    ...((container.dynamic?.env ?? []) as Body[]).map((d) => ({
      kind: 'dynamic' as const,
      forEach: d.for_each,
      entry: d.content[0],
    })),
  ];
}

/** Problems with how one container gets its environment; [] when plain values and secrets stay apart. */
function envPolicyProblems(container: Body): string[] {
  const problems: string[] = [];
  for (const { kind, forEach, entry } of envSources(container)) {
    const secretRef = entry.value_source?.[0]?.secret_key_ref?.[0];
    if (kind === 'static') {
      const name = String(entry.name);
      if (SECRET_LIKE.test(name) && !secretRef) problems.push(`${name} is a literal; secrets come from secret_key_ref`);
      if (!SECRET_LIKE.test(name)) problems.push(`${name} is set outside the env map`);
      continue;
    }
    if (entry.value !== undefined && forEach !== PLAIN_ENV)
      problems.push(`plain values iterate ${forEach}, not the container's env`);
    if (entry.value !== undefined && entry.value !== '${env.value}') problems.push(`plain value ${entry.value}`);
    if (entry.value_source !== undefined && (forEach !== SECRET_ENV || !secretRef)) {
      problems.push(`secret references must iterate the container's secret_env through secret_key_ref`);
    }
    if (entry.value === undefined && entry.value_source === undefined) problems.push('env entry without a value');
  }
  return problems;
}

/** Differences between a component's env in the example environment and its contract; [] when they match. */
function contractProblems(component: Component, locals: Body): string[] {
  const contract = CONTRACT[component];
  const plain = Object.keys(locals[`${component}_env`] ?? {}).filter((n) => !NODE_RUNTIME_ENV.includes(n));
  const secret = Object.keys(locals[`${component}_secret_env`] ?? {});
  const problems: string[] = [];
  const diff = (label: string, actual: string[], expected: readonly string[]) => {
    for (const n of expected) if (!actual.includes(n)) problems.push(`${component}: ${label} ${n} is not set`);
    for (const n of actual)
      if (!expected.includes(n)) problems.push(`${component}: ${label} ${n} is not in the contract`);
  };
  diff('plain', plain, contract.set);
  diff('secret', secret, contract.secrets);
  for (const n of plain) if (SECRET_LIKE.test(n)) problems.push(`${component}: ${n} looks secret but is plain`);
  for (const n of [...plain, ...secret]) {
    if ((PLATFORM_ENV as readonly string[]).includes(n)) problems.push(`${component}: ${n} is set by Cloud Run`);
  }
  return problems;
}

/** The calls of the run-identity module, each one service account. */
function identityCalls(): ModuleCall[] {
  return tree.calls.filter((c) => c.body.source === '../run-identity');
}

function iamBindings(): { principal: string; grant: string; resource: Resource }[] {
  return tree.resources
    .filter((r) => /_iam_(member|binding|policy)$/.test(r.type))
    .flatMap((r) => {
      const member = String(r.body.member);
      const grant = `${r.body.role} on ${r.type.replace(/_iam_(member|binding|policy)$/, '')}`;
      if (r.module === 'run-identity' && member === '${google_service_account.this.member}') {
        // Granted to every caller's account, one per entry of its secrets, so nothing to a caller that passes none.
        return identityCalls()
          .filter((c) => r.body.for_each !== '${var.secrets}' || c.body.secrets !== undefined)
          .map((c) => ({ principal: `${c.module}.${c.name}`, grant, resource: r }));
      }
      const call = /^\$\{module\.(\w+)\.member\}$/.exec(member);
      const principal = call
        ? `${r.module}.${call[1]}`
        : member.includes('gcp-sa-iap')
          ? `${r.module}.IAP service agent`
          : `${r.module}.${member}`;
      return [{ principal, grant, resource: r }];
    });
}

describe('no public invoker on the worker or the autoscaler', () => {
  it('names no public principal anywhere in their modules or in what the example passes them', () => {
    for (const r of tree.resources.filter((r) => r.module === 'worker' || r.module === 'autoscaler')) {
      expect(JSON.stringify(r.body), `${r.module}: ${r.type}.${r.name}`).not.toMatch(/allUsers|allAuthenticatedUsers/);
    }
    for (const name of ['worker', 'autoscaler']) {
      expect(JSON.stringify(tree.moduleCalls[name])).not.toMatch(/allUsers|allAuthenticatedUsers/);
    }
  });

  it('grants run.invoker in the worker and autoscaler modules only to the scheduler, on the job', () => {
    const invokers = iamBindings().filter(
      (b) => ['worker', 'autoscaler'].includes(b.resource.module) && b.grant.startsWith('roles/run.invoker'),
    );
    expect(invokers.map((b) => `${b.principal}: ${b.grant}`)).toEqual([
      'autoscaler.scheduler_identity: roles/run.invoker on google_cloud_run_v2_job',
    ]);
    expect(invokers[0].resource.body.name).toBe('${google_cloud_run_v2_job.autoscaler.name}');
  });

  it('keeps the worker service internal, always on, with one instance at least, and IAM-checked', () => {
    const service = tree.resources.find((r) => r.module === 'worker' && r.type === 'google_cloud_run_v2_service')!;
    expect(service.body.ingress).toBe('INGRESS_TRAFFIC_INTERNAL_ONLY');
    expect(service.body.invoker_iam_disabled).toBeUndefined();
    expect(service.body.scaling[0].min_instance_count).toMatch(/^\$\{max\(1, /);
    expect(service.body.template[0].scaling[0].min_instance_count).toBe(1);
    expect(containersOf(service.body)[0].resources[0].cpu_idle).toBe(false);
  });

  it('opens the API to allUsers only behind access = "public"', () => {
    const publicGrants = iamBindings().filter((b) => /allUsers|allAuthenticatedUsers/.test(b.principal));
    expect(publicGrants.map((b) => `${b.resource.module}.${b.resource.type}.${b.resource.name}`)).toEqual([
      'api.google_cloud_run_v2_service_iam_member.public',
    ]);
    expect(publicGrants[0].resource.body.count).toBe('${var.access == "public" ? 1 : 0}');
  });
});

describe('secrets come only from Secret Manager', () => {
  it('every container takes plain values from its env and secrets through secret_key_ref from its secret_env', () => {
    const containers = tree.resources.flatMap((r) => containersOf(r.body).map((c) => ({ r, c })));
    expect(containers.length).toBe(4); // worker pool, worker service, API service, autoscaler job
    for (const { r, c } of containers) {
      expect(envPolicyProblems(c), `${r.module}: ${r.type}.${r.name}`).toEqual([]);
      const iterated = envSources(c).map((s) => s.forEach);
      expect(iterated, `${r.module}: ${r.type}.${r.name}`).toEqual([PLAIN_ENV, SECRET_ENV]);
    }
  });

  it("the env policy rejects a literal secret, a plain value from elsewhere and a secret outside the container's secret_env", () => {
    expect(envPolicyProblems({ env: [{ name: 'TEMPORAL_API_KEY', value: 'sk-live' }] })).toEqual([
      'TEMPORAL_API_KEY is a literal; secrets come from secret_key_ref',
    ]);
    expect(
      envPolicyProblems({
        dynamic: { env: [{ for_each: '${var.other}', content: [{ name: 'x', value: '${env.value}' }] }] },
      }),
    ).toEqual(["plain values iterate ${var.other}, not the container's env"]);
    expect(
      envPolicyProblems({
        dynamic: {
          env: [
            { for_each: PLAIN_ENV, content: [{ name: 'x', value_source: [{ secret_key_ref: [{ secret: 's' }] }] }] },
          ],
        },
      }),
    ).toEqual(["secret references must iterate the container's secret_env through secret_key_ref"]);
  });

  it('every workload checks its container through run-container, which refuses secret-looking plain names', () => {
    const conditions = (tree.variables['run-container.container'].validation as Body[]).map((v) => v.condition);
    expect(conditions.some((c) => c.includes('(KEY|SECRET|TOKEN|PASSWORD)'))).toBe(true);
    for (const module of ['worker', 'api', 'autoscaler']) {
      const call = tree.calls.find((c) => c.module === module && c.name === 'container');
      expect(call?.body, module).toEqual({ source: '../run-container', container: '${var.container}' });
      // Nothing renders the unchecked input: every resource reads the checked spec.
      for (const r of tree.resources.filter((r) => r.module === module)) {
        expect(JSON.stringify(r.body), `${module}: ${r.type}.${r.name}`).not.toContain('var.container');
      }
    }
  });

  it('no secret value is ever given to Terraform (it would sit in the state)', () => {
    expect(tree.resources.filter((r) => r.type === 'google_secret_manager_secret_version')).toEqual([]);
    for (const r of tree.resources) expect(JSON.stringify(r.body)).not.toMatch(/secret_data/);
  });

  it('the example passes each module its env and secret maps from the matching locals', () => {
    for (const component of Object.keys(CONTRACT)) {
      const container = tree.moduleCalls[component].container;
      expect(container.env, component).toBe(`\${local.${component}_env}`);
      expect(container.secret_env, component).toContain(`local.${component}_secret_env`);
    }
  });
});

describe('the environment contract (src/common/env-contract.ts)', () => {
  for (const component of Object.keys(CONTRACT) as Component[]) {
    it(`${component}: the templates set exactly the contract's names, secrets as secrets`, () => {
      expect(contractProblems(component, tree.locals)).toEqual([]);
    });
  }

  it('reports a missing name, an extra name and a secret moved to plain env', () => {
    const locals = structuredClone(tree.locals);
    delete locals.worker_env.TEMPORAL_ADDRESS;
    locals.worker_env.WORKER_COLOUR = 'blue';
    locals.api_env.WEBHOOK_SECRET = 'literal';
    delete locals.api_secret_env.WEBHOOK_SECRET;
    locals.autoscaler_env.K_REVISION = 'x';
    expect(contractProblems('worker', locals)).toEqual([
      'worker: plain TEMPORAL_ADDRESS is not set',
      'worker: plain WORKER_COLOUR is not in the contract',
    ]);
    expect(contractProblems('api', locals)).toEqual([
      'api: plain WEBHOOK_SECRET is not in the contract',
      'api: secret WEBHOOK_SECRET is not set',
      'api: WEBHOOK_SECRET looks secret but is plain',
    ]);
    expect(contractProblems('autoscaler', locals)).toEqual([
      'autoscaler: plain K_REVISION is not in the contract',
      'autoscaler: K_REVISION is set by Cloud Run',
    ]);
  });
});

describe('the example points at the files the images build', () => {
  /** `NAME=value` pairs of a Dockerfile's ENV instructions (the runtime stage sets the paths). */
  async function dockerfileEnv(image: 'worker' | 'api'): Promise<Record<string, string>> {
    const text = await readFile(join(infra, '..', 'cloudrun', image, 'Dockerfile'), 'utf8');
    return Object.fromEntries([...text.matchAll(/\b([A-Z_]+)=(\S+)/g)].map((m) => [m[1]!, m[2]!]));
  }
  it.each([
    ['worker', 'WORKFLOW_BUNDLE_PATH', 'workflow_bundle_path'],
    ['worker', 'FLOWS_MODULE', 'flows_module'],
    ['api', 'FLOWS_MODULE', 'flows_module'],
  ] as const)('%s image: %s is where the variable %s points by default', async (image, name, variable) => {
    const env = await dockerfileEnv(image);
    expect(env[name]).toBeDefined();
    expect(tree.variables[`envs/example.${variable}`]?.default).toBe(env[name]);
  });
});

describe('least privilege', () => {
  it('each identity holds exactly the roles in the table', () => {
    const actual: Record<string, string[]> = {};
    for (const b of iamBindings()) (actual[b.principal] ??= []).push(b.grant);
    for (const grants of Object.values(actual)) grants.sort();
    expect(actual).toEqual(EXPECTED_ROLES);
  });

  it('grants nothing project-wide', () => {
    expect(tree.resources.filter((r) => r.type.startsWith('google_project_iam')).map((r) => r.name)).toEqual([]);
  });

  it('scopes each grant to the one resource it is for', () => {
    for (const b of iamBindings()) {
      const { body, module, name, type } = b.resource;
      const at = `${module}: ${type}.${name}`;
      if (b.grant.startsWith('roles/secretmanager.secretAccessor')) {
        // One binding per secret the component maps into its environment, and no other (see run-identity below).
        expect(body.for_each, at).toBe('${var.secrets}');
        expect(body.secret_id, at).toBe('${each.value}');
      } else if (b.grant.startsWith('roles/run.developer')) {
        // The autoscaler's one target, or the worker module's own pool for its deployers.
        expect(body.name, at).toBe(
          module === 'worker' ? '${google_cloud_run_v2_worker_pool.worker[0].name}' : '${var.target_name}',
        );
      } else if (b.grant.startsWith('roles/iam.serviceAccountUser')) {
        expect(body.service_account_id, at).toBe(
          module === 'worker' ? '${module.identity.name}' : '${var.worker_service_account_name}',
        );
      }
    }
    const autoscaler = tree.moduleCalls.autoscaler;
    expect(autoscaler.target_name).toBe('${module.worker.name}');
    expect(autoscaler.target_kind).toBe('${module.worker.kind}');
    expect(autoscaler.worker_service_account_name).toBe('${module.worker.service_account_name}');
  });

  it('gives every component its own service account', () => {
    const accounts = identityCalls().map((c) => `${c.module}.${c.name}`);
    expect(accounts.sort()).toEqual([
      'api.identity',
      'autoscaler.identity',
      'autoscaler.scheduler_identity',
      'worker.identity',
    ]);
    for (const c of identityCalls()) {
      const id = c.name === 'scheduler_identity' ? 'scheduler_service_account_id' : 'service_account_id';
      expect(c.body.account_id, `${c.module}.${c.name}`).toBe(`\${var.${id}}`);
    }
    const ids = ['worker', 'api'].map((m) => tree.moduleCalls[m].service_account_id);
    ids.push(tree.moduleCalls.autoscaler.service_account_id, tree.moduleCalls.autoscaler.scheduler_service_account_id);
    expect(new Set(ids).size).toBe(4);
  });
});

/**
 * What existing deployments hold in their state from before run-identity, per module: the address each account and
 * binding had, and where it lives now. Without these moves an apply would destroy and recreate every service
 * account (new unique IDs, so every grant on them lost) and every secret binding.
 */
const MOVED_INTO_RUN_IDENTITY: Record<string, Record<string, string>> = {
  api: {
    'google_service_account.api': 'module.identity.google_service_account.this',
    'google_secret_manager_secret_iam_member.secret_access':
      'module.identity.google_secret_manager_secret_iam_member.secret_access',
  },
  worker: {
    'google_service_account.worker': 'module.identity.google_service_account.this',
    'google_secret_manager_secret_iam_member.secret_access':
      'module.identity.google_secret_manager_secret_iam_member.secret_access',
  },
  autoscaler: {
    'google_service_account.autoscaler': 'module.identity.google_service_account.this',
    'google_service_account.scheduler': 'module.scheduler_identity.google_service_account.this',
    'google_secret_manager_secret_iam_member.secret_access':
      'module.identity.google_secret_manager_secret_iam_member.secret_access',
  },
};

/** The Cloud Run resource's runtime service account (services and worker pools: template; jobs: template.template). */
function runtimeAccountOf(body: Body): unknown {
  const template = body.template?.[0];
  return template?.service_account ?? template?.template?.[0]?.service_account;
}

describe('one runtime identity module (run-identity)', () => {
  it('creates every service account and every secret binding, one binding per mapped secret', () => {
    const where = tree.resources
      .filter((r) => ['google_service_account', 'google_secret_manager_secret_iam_member'].includes(r.type))
      .map((r) => `${r.module}: ${r.type}.${r.name}`);
    expect(where).toEqual([
      'run-identity: google_secret_manager_secret_iam_member.secret_access',
      'run-identity: google_service_account.this',
    ]);
    const binding = tree.resources.find((r) => r.type === 'google_secret_manager_secret_iam_member')!.body;
    expect(binding).toMatchObject({
      for_each: '${var.secrets}',
      secret_id: '${each.value}',
      role: 'roles/secretmanager.secretAccessor',
      member: '${google_service_account.this.member}',
    });
  });

  it('each workload runs as its own run-identity account, maps exactly the secrets it may read, and waits for them', () => {
    const workloads = tree.resources.filter((r) => /^google_cloud_run_v2_(service|worker_pool|job)$/.test(r.type));
    expect(workloads.map((r) => `${r.module}: ${r.type}.${r.name}`).sort()).toEqual([
      'api: google_cloud_run_v2_service.api',
      'autoscaler: google_cloud_run_v2_job.autoscaler',
      'worker: google_cloud_run_v2_service.worker',
      'worker: google_cloud_run_v2_worker_pool.worker',
    ]);
    for (const r of workloads) {
      const at = `${r.module}: ${r.type}.${r.name}`;
      expect(runtimeAccountOf(r.body), at).toBe('${module.identity.email}');
      // Depending on the module, not on its email output: the first revision starts after the secret bindings.
      expect(r.body.depends_on, at).toContain('${module.identity}');
      const call = identityCalls().find((c) => c.module === r.module && c.name === 'identity');
      // The bindings iterate the same map the container's secret env does (checked above), so the two cannot drift.
      expect(call?.body.secrets, at).toBe('${module.container.secrets}');
    }
    const scheduler = identityCalls().find((c) => c.name === 'scheduler_identity')!;
    expect(scheduler.body.secrets, 'the scheduler reads no secret').toBeUndefined();
  });

  it('moves the accounts and bindings of existing deployments instead of recreating them', () => {
    const identityResources = tree.resources
      .filter((r) => r.module === 'run-identity')
      .map((r) => `${r.type}.${r.name}`);
    for (const [module, moves] of Object.entries(MOVED_INTO_RUN_IDENTITY)) {
      const declared = Object.fromEntries(tree.moved.filter((m) => m.module === module).map((m) => [m.from, m.to]));
      expect(declared, module).toEqual(moves);
      for (const [from, to] of Object.entries(moves)) {
        // A moved block whose old address is still declared is an error; one whose target is not declared is a no-op.
        expect(
          tree.resources.some((r) => r.module === module && `${r.type}.${r.name}` === from),
          from,
        ).toBe(false);
        const [, call, ...address] = to.split('.');
        expect(
          identityCalls().some((c) => c.module === module && c.name === call),
          to,
        ).toBe(true);
        expect(identityResources, to).toContain(address.join('.'));
      }
    }
    expect(tree.moved.map((m) => m.module).filter((m) => !(m in MOVED_INTO_RUN_IDENTITY))).toEqual([]);
  });
});

describe('inputs and outputs document themselves', () => {
  it('every variable has a description and a type, every output a description', () => {
    expect(Object.keys(tree.variables).length).toBeGreaterThan(50);
    for (const [name, v] of Object.entries(tree.variables)) {
      expect(v.description, name).toMatch(/\S/);
      expect(v.type, name).toMatch(/^\$\{/);
    }
    for (const [name, o] of Object.entries(tree.outputs)) expect(o.description, name).toMatch(/\S/);
  });

  it('terraform.tfvars.example sets only declared variables and every required one', async () => {
    const file = join(infra, 'envs', 'example', 'terraform.tfvars.example');
    const tfvars = (await parse(file, await readFile(file, 'utf8'))) as Body;
    const declared = Object.keys(tree.variables)
      .filter((k) => k.startsWith('envs/example.'))
      .map((k) => k.slice('envs/example.'.length));
    const required = declared.filter((name) => !('default' in tree.variables[`envs/example.${name}`]));
    expect(required.sort()).toEqual(['image_tag', 'project_id', 'temporal_address']);
    for (const name of Object.keys(tfvars)) expect(declared, `tfvars sets ${name}`).toContain(name);
    for (const name of required) expect(Object.keys(tfvars), `tfvars lacks ${name}`).toContain(name);
  });
});

describe('provider requirements: the root pins, each module declares what it uses', () => {
  /** The `terraform` block of every folder of infra/ (module or environment), merged over its files. */
  async function terraformBlocks(): Promise<Record<string, Body>> {
    const blocks: Record<string, Body> = {};
    for (const file of await findTerraformFiles(infra)) {
      const where = file.slice(infra.length + 1).split('/');
      const folder = where[0] === 'modules' ? where[1] : `envs/${where[1]}`;
      for (const block of ((await parseTerraformFile(file)).terraform ?? []) as Body[]) {
        blocks[folder] = { ...blocks[folder], ...block };
      }
    }
    return blocks;
  }

  it('the example environment pins Terraform and the provider release the schema checks use', async () => {
    const root = (await terraformBlocks())['envs/example'];
    expect(root.required_version).toBe('>= 1.6');
    expect(root.required_providers[0].google).toEqual({ source: 'hashicorp/google', version: '~> 7.45' });
  });

  it('every module with google resources declares the provider source and a minimum the root pin satisfies', async () => {
    const blocks = await terraformBlocks();
    const users = [...new Set(tree.resources.filter((r) => r.type.startsWith('google_')).map((r) => r.module))];
    expect(users.sort()).toEqual([
      'api',
      'autoscaler',
      'envs/example',
      'registry',
      'run-identity',
      'secrets',
      'worker',
    ]);
    for (const module of users.filter((m) => !m.startsWith('envs/'))) {
      const google = blocks[module]?.required_providers?.[0]?.google;
      expect(google?.source, module).toBe('hashicorp/google');
      // A floor, not a pin: the root decides; 7.45 is what the schema checks run against.
      expect(google?.version, module).toBe('>= 7.45');
    }
  });
});

describe('Worker Versioning (docs/deploy.md, rolling out a new build)', () => {
  const workerPool = () =>
    tree.resources.find((r) => r.module === 'worker' && r.type === 'google_cloud_run_v2_worker_pool')!.body;

  it('the worker pool leaves to their owners what an apply must not reset', () => {
    const ignored = (workerPool().lifecycle[0].ignore_changes as string[]).map((p) => p.replace(/^\$\{|\}$/g, ''));
    expect(ignored.sort()).toEqual(
      [
        // the autoscaler: instance count, its pending scale-down, and a draining version's place in the splits
        'scaling[0].manual_instance_count',
        'annotations',
        'instance_splits',
        // the rollout: each build's image, its revision name (the Build ID) and gcloud's client fields
        'template[0].containers[0].image',
        'template[0].revision',
        'client',
        'client_version',
      ].sort(),
    );
    // Terraform sets no split itself: the first revision gets every instance by default, the rest is the rollout's.
    expect(workerPool().instance_splits).toBeUndefined();
  });

  it('names the Worker Deployment after the worker pool and turns versioning on by default, on worker pools only', () => {
    const env = tree.locals.worker_env;
    expect(env.TEMPORAL_WORKER_DEPLOYMENT).toBe('${module.naming.worker}');
    expect(tree.moduleCalls.worker.name, 'the same name as the pool').toBe(env.TEMPORAL_WORKER_DEPLOYMENT);
    expect(env.TEMPORAL_WORKER_VERSIONING).toBe('${tostring(local.worker_versioning)}');
    expect(tree.locals.worker_versioning).toBe('${var.worker_versioning && var.worker_kind == "worker_pool"}');
    expect(tree.variables['envs/example.worker_versioning']).toMatchObject({ type: '${bool}', default: true });
    // The Build ID is the revision's name, which Cloud Run gives the container: the fallback stays empty, or every
    // revision of the pool would claim the same build.
    expect(env.TEMPORAL_WORKER_BUILD_ID).toBe('');
  });

  it('lets only named principals deploy, and only on a worker pool', () => {
    const validation = tree.variables['worker.deployers'].validation[0];
    expect(validation.condition).toContain('^(serviceAccount|group|user|principal|principalSet):');
    expect(tree.moduleCalls.worker.deployers).toBe('${var.worker_deployers}');
    const grants = tree.resources.filter((r) => r.module === 'worker' && r.name.startsWith('deployers'));
    expect(grants.map((r) => r.type).sort()).toEqual([
      'google_cloud_run_v2_worker_pool_iam_member',
      'google_service_account_iam_member',
    ]);
    for (const r of grants) {
      expect(r.body.for_each, r.name).toBe('${var.kind == "worker_pool" ? toset(var.deployers) : toset([])}');
    }
  });
});
