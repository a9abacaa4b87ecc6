// JSON Schema (the subset the stage and pipeline schemas use) as rows of a Markdown table.

type Schema = Record<string, unknown>;

export interface FieldRow {
  name: string;
  type: string;
  default: string;
  required: boolean;
  description: string;
}

const isObject = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A readable type: `string`, `integer ≥ 0 or expression`, `array of string`, `"a" \| "b"`. */
export function typeOf(s: unknown): string {
  if (s === true || !isObject(s)) return 'any';
  if (Array.isArray(s['enum'])) return s['enum'].map((v) => JSON.stringify(v)).join(' or ');
  if (s['const'] !== undefined) return JSON.stringify(s['const']);
  for (const key of ['oneOf', 'anyOf'] as const) {
    const list = s[key];
    if (Array.isArray(list) && list.every((x) => isObject(x) && (x['type'] !== undefined || x['enum'] !== undefined))) return [...new Set(list.map(typeOf))].join(' or ');
  }
  // A string that must hold `${` is an expression.
  if (s['type'] === 'string' && s['pattern'] === '\\$\\{') return 'expression';
  const types = Array.isArray(s['type']) ? (s['type'] as string[]) : typeof s['type'] === 'string' ? [s['type']] : [];
  if (types.length === 0) return isObject(s['properties']) ? 'object' : 'any';
  return types
    .map((t) => {
      if (t === 'array' && s['items'] !== undefined) return `array of ${typeOf(s['items'])}`;
      if (t === 'object' && isObject(s['additionalProperties'])) return `object of ${typeOf(s['additionalProperties'])}`;
      if ((t === 'integer' || t === 'number') && typeof s['minimum'] === 'number') return `${t} ≥ ${s['minimum']}`;
      return t;
    })
    .join(' or ');
}

/** Every property, nested objects as `a.b` and objects in lists as `a[].b`, in schema order. */
export function fieldRows(schema: unknown, prefix = ''): FieldRow[] {
  if (!isObject(schema) || !isObject(schema['properties'])) return [];
  const required = Array.isArray(schema['required']) ? (schema['required'] as string[]) : [];
  const rows: FieldRow[] = [];
  for (const [key, s] of Object.entries(schema['properties'])) {
    if (s === true) continue;
    const name = `${prefix}${key}`;
    const sub = isObject(s) ? s : {};
    const description = typeof sub['description'] === 'string' ? sub['description'] : typeof sub['title'] === 'string' ? sub['title'] : '';
    rows.push({ name, type: typeOf(s), default: sub['default'] === undefined ? '' : JSON.stringify(sub['default']), required: required.includes(key), description });
    if (isObject(sub['properties'])) rows.push(...fieldRows(sub, `${name}.`));
    else if (isObject(sub['items']) && isObject(sub['items']['properties'])) rows.push(...fieldRows(sub['items'], `${name}[].`));
  }
  return rows;
}

/** Groups of fields of which one must be given (`anyOf: [{required: [a]}, {required: [b]}]`). */
export function oneOfRequired(schema: unknown): string[][] {
  if (!isObject(schema)) return [];
  const out: string[][] = [];
  for (const key of ['anyOf', 'oneOf'] as const) {
    const list = schema[key];
    if (Array.isArray(list) && list.length > 0 && list.every((x) => isObject(x) && Array.isArray(x['required']) && Object.keys(x).length === 1)) {
      out.push(list.map((x) => (x as { required: string[] }).required.join(' + ')));
    }
  }
  return out;
}

export function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

export function fieldTable(rows: readonly FieldRow[]): string {
  const lines = ['| field | type | default | required | description |', '| --- | --- | --- | --- | --- |'];
  for (const r of rows) lines.push(`| \`${r.name}\` | ${cell(r.type)} | ${r.default ? `\`${cell(r.default)}\`` : ''} | ${r.required ? 'yes' : ''} | ${cell(r.description)} |`);
  return lines.join('\n');
}
