import { generateMalformedPipelines, REFERENCE_PIPELINES, reportsExpectedError } from '@gennaker/pipeline/testing';
import { Stack } from '@gennaker/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let stack: Stack;
const api = () => stack.client;

beforeAll(async () => {
  stack = await Stack.start({ workers: 0 });
  for (const name of ['spindemo', 'tracks', 'helloagain', 'demo']) expect((await api().post('/api/v1/applications', { name })).status).toBe(201);
});
afterAll(async () => stack?.stop());

async function storedCount(): Promise<number> {
  let n = 0;
  for (const app of ['spindemo', 'tracks', 'helloagain', 'demo']) n += (await api().get(`/api/v1/applications/${app}/pipelines`)).body.length;
  return n;
}

describe('pipeline configs API', () => {
  it('creates, reads, updates with an optimistic version, refuses a stale one with 409, keeps history, deletes', async () => {
    const body = { application: 'demo', name: 'crud', stages: [{ refId: '1', type: 'wait', waitTime: 5 }] };
    const created = await api().post('/api/v1/pipelines', body);
    expect(created.status).toBe(201);
    const { id, version } = created.body;
    expect(version).toBe(1);
    const updated = await api().post('/api/v1/pipelines', { ...body, id, version, stages: [{ refId: '1', type: 'wait', waitTime: 6 }] });
    expect(updated.status).toBe(200);
    expect(updated.body.version).toBe(2);
    const stale = await api().post('/api/v1/pipelines', { ...body, id, version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('CONFLICT');
    expect(stale.body.error.details[0].pointer).toBe('/version');
    const history = await api().get(`/api/v1/pipelines/${id}/history`);
    expect(history.body.map((r: any) => [r.version, r.action, r.pipeline.stages[0].waitTime])).toEqual([
      [2, 'update', 6],
      [1, 'create', 5],
    ]);
    const restored = await api().post(`/api/v1/pipelines/${id}/history/1/restore`);
    expect(restored.body.version).toBe(3);
    expect(restored.body.stages[0].waitTime).toBe(5);
    expect((await api().delete(`/api/v1/pipelines/${id}`)).status).toBe(204);
    expect((await api().get(`/api/v1/pipelines/${id}`)).status).toBe(404);
  });

  it('refuses a pipeline for an application that does not exist, naming the field', async () => {
    const r = await api().post('/api/v1/pipelines', { application: 'nosuchapp', name: 'x', stages: [] });
    expect(r.status).toBe(400);
    expect(r.body.error.details).toEqual([{ pointer: '/application', message: 'no such application' }]);
  });

  it('answers 1,000 malformed bodies made from the reference pipelines with 400 and the right pointer, stores none, and stays up', async () => {
    const seeds = REFERENCE_PIPELINES.map((r) => ({ application: 'spindemo', name: r.file, ...(r.document as object) }));
    const cases = generateMalformedPipelines(seeds, 1000, 20261126);
    const before = await storedCount();
    const failures: string[] = [];
    for (const c of cases) {
      const r = await api().request('POST', '/api/v1/pipelines', undefined, c.body);
      const details = r.body?.error?.details ?? [];
      if (r.status !== 400 && r.status !== 413) failures.push(`#${c.index} ${c.kind}: HTTP ${r.status}`);
      else if (!reportsExpectedError(details, c.expected) && !(r.status === 413 && c.expected.pointer === '')) {
        failures.push(`#${c.index} ${c.kind} (${c.description}): expected ${c.expected.pointer}, got ${JSON.stringify(details.slice(0, 3))}`);
      }
    }
    expect(failures.slice(0, 20)).toEqual([]);
    expect(await storedCount()).toBe(before);
    expect((await api().get('/api/v1/health')).status).toBe(200);
  }, 300_000);

  it('validates each reference pipeline, or refuses it only for stage types that do not exist yet, named by pointer', async () => {
    const known = new Set<string>();
    for (const t of (await api().get('/api/v1/stage-types')).body) {
      known.add(t.type);
      for (const a of t.aliases ?? []) known.add(a);
    }
    for (const ref of REFERENCE_PIPELINES) {
      const doc = ref.document as { stages: Array<{ type: string; name?: string }> };
      const r = await api().post('/api/v1/pipelines/validate', doc);
      const unknown = doc.stages.map((s, i) => ({ s, i })).filter(({ s }) => !known.has(s.type));
      if (unknown.length === 0) {
        expect(r.status, `${ref.file}: ${JSON.stringify(r.body)}`).toBe(200);
        expect(r.body).toEqual({ valid: true });
      } else {
        expect(r.status).toBe(400);
        const details: Array<{ pointer: string; message: string }> = r.body.error.details;
        expect(details.map((d) => d.pointer).sort()).toEqual(unknown.map(({ i }) => `/stages/${i}/type`).sort());
        for (const { s, i } of unknown) expect(details.find((d) => d.pointer === `/stages/${i}/type`)!.message).toContain(s.type);
      }
    }
  });

  it('serves the JSON schema and the OpenAPI document', async () => {
    const schema = await api().get('/api/v1/schemas/pipeline.json');
    expect(schema.status).toBe(200);
    expect(schema.body.$schema).toContain('json-schema.org');
    const doc = await api().get('/api/v1/openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toContain('/api/v1/executions/{id}/cancel');
  });

  it('refuses bad parameters when starting, naming the parameter', async () => {
    const p = await api().post('/api/v1/pipelines', {
      application: 'demo',
      name: 'params',
      parameterConfig: [{ name: 'env', required: true, hasOptions: true, options: [{ value: 'test' }, { value: 'prod' }] }],
      stages: [{ refId: '1', type: 'wait', waitTime: 0 }],
    });
    const missing = await api().post(`/api/v1/pipelines/${p.body.id}/executions`, {});
    expect(missing.status).toBe(400);
    expect(missing.body.error.details).toEqual([{ pointer: '/parameters/env', message: 'parameter "env" is required' }]);
    const wrong = await api().post(`/api/v1/pipelines/${p.body.id}/executions`, { parameters: { env: 'staging' } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details[0].message).toContain('must be one of "test", "prod"');
    expect((await api().post(`/api/v1/pipelines/${p.body.id}/executions`, { parameters: { env: 'prod' } })).status).toBe(202);
  });

  it('binds expected artifacts on a manual start: given ones by match, else defaults; a required one missing is a 400', async () => {
    const p = await api().post('/api/v1/pipelines', {
      application: 'demo',
      name: 'artifacts',
      expectedArtifacts: [
        { id: 'image', displayName: 'image', matchArtifact: { type: 'docker/image', name: 'acme/api' }, useDefaultArtifact: false },
        { id: 'chart', matchArtifact: { type: 'helm/chart', name: 'api' }, useDefaultArtifact: true, defaultArtifact: { type: 'helm/chart', name: 'api', version: '1.0.0' } },
      ],
      triggers: [{ type: 'manual', expectedArtifactIds: ['image'] }],
      stages: [{ refId: '1', type: 'wait', waitTime: 0 }],
    });
    expect(p.status, JSON.stringify(p.body)).toBe(201);
    const missing = await api().post(`/api/v1/pipelines/${p.body.id}/executions`, { artifacts: [{ type: 'docker/image', name: 'other/thing', version: '2' }] });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details).toEqual([{ pointer: '/artifacts', message: 'nothing matches expected artifact "image"' }]);
    const notObject = await api().post(`/api/v1/pipelines/${p.body.id}/executions`, { artifacts: ['acme/api:2'] });
    expect(notObject.status).toBe(400);
    expect(notObject.body.error.details[0].pointer).toBe('/artifacts/0');
    const ok = await api().post(`/api/v1/pipelines/${p.body.id}/executions`, { artifacts: [{ type: 'docker/image', name: 'acme/api', version: '2' }] });
    expect(ok.status, JSON.stringify(ok.body)).toBe(202);
    const e = (await api().get(`/api/v1/executions/${ok.body.id}`)).body;
    expect(e.trigger.artifacts).toEqual([{ type: 'docker/image', name: 'acme/api', version: '2' }, { type: 'helm/chart', name: 'api', version: '1.0.0' }]);
    expect(e.trigger.resolvedExpectedArtifacts.map((r: any) => [r.id, r.boundArtifact?.version])).toEqual([['image', '2'], ['chart', '1.0.0']]);
  });

  it('pages executions with a cursor and refuses a bad limit or cursor', async () => {
    expect((await api().get('/api/v1/executions?limit=0')).body.error.details[0].pointer).toBe('/limit');
    expect((await api().get('/api/v1/executions?cursor=garbage')).status).toBe(400);
    expect((await api().get('/api/v1/executions?status=NOPE')).body.error.details[0].pointer).toBe('/status');
  });
});
