import { describe, expect, it } from 'vitest';
import { STAGE_COMMON_KEYS, type StageTypeInfo } from './model';
import { JSON_SCHEMA_DIALECT, PIPELINE_SCHEMA_ID, pipelineJsonSchema } from './pipeline-schema.util';

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every schema that describes a field (under properties, items, additionalProperties, $defs). */
function fieldSchemas(schema: Node, path = '#'): Array<[string, Node]> {
  const out: Array<[string, Node]> = [];
  const visit = (s: unknown, at: string) => {
    if (!isNode(s)) return;
    out.push([at, s]);
    for (const [k, v] of Object.entries(isNode(s['properties']) ? s['properties'] : {})) {
      // `true` marks a common key inside a context schema: typed by the stage schema itself.
      if (v !== true) visit(v, `${at}/properties/${k}`);
    }
    if (isNode(s['$defs'])) for (const [k, v] of Object.entries(s['$defs'])) visit(v, `${at}/$defs/${k}`);
    visit(s['items'], `${at}/items`);
    visit(s['additionalProperties'], `${at}/additionalProperties`);
  };
  visit(schema, path);
  return out;
}

const TYPES: StageTypeInfo[] = [
  { type: 'wait', label: 'Wait', contextSchema: { type: 'object', properties: { waitTime: { type: 'integer', title: 'Wait time', description: 'Seconds to wait.' } } } },
  { type: 'kayentaCanary', aliases: ['canary'] },
];

describe('pipelineJsonSchema', () => {
  const schema = pipelineJsonSchema(TYPES);

  it('names its dialect (draft 2020-12) and its $id, the path it is served at', () => {
    expect(schema['$schema']).toBe(JSON_SCHEMA_DIALECT);
    expect(JSON_SCHEMA_DIALECT).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema['$id']).toBe('/api/v1/schemas/pipeline.json');
    expect(PIPELINE_SCHEMA_ID).toBe(schema['$id']);
  });

  it('gives every field a title and a description, for the UI and the generated docs', () => {
    const missing = fieldSchemas(schema)
      // A bare $ref takes the title and description of the definition it names.
      .filter(([, s]) => s['$ref'] === undefined)
      .filter(([, s]) => typeof s['title'] !== 'string' || typeof s['description'] !== 'string')
      .map(([at]) => at);
    expect(missing).toEqual([]);
    expect(fieldSchemas(schema).length).toBeGreaterThan(60);
  });

  it('types every common stage key and lists the supported stage types', () => {
    const stage = (schema['$defs'] as Node)['stage'] as Node;
    expect(Object.keys(stage['properties'] as Node).sort()).toEqual([...STAGE_COMMON_KEYS].sort());
    const type = (stage['properties'] as Node)['type'] as Node;
    expect(type['examples']).toEqual(['wait', 'kayentaCanary', 'canary']);
    expect(type['description']).toContain('wait, kayentaCanary, canary');
  });

  it('applies a context schema with if/then on the type', () => {
    const stage = (schema['$defs'] as Node)['stage'] as Node;
    expect(stage['allOf']).toEqual([
      {
        if: { properties: { type: { enum: ['wait'] } }, required: ['type'] },
        then: expect.objectContaining({ title: 'Wait context', properties: expect.objectContaining({ waitTime: expect.any(Object), refId: true }) }),
      },
    ]);
  });

  it('is plain JSON, so the API can serve it as is', () => {
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
  });
});
