import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateApiTypes } from './generate';

describe('the generated API client types', () => {
  it('match the OpenAPI document (run `npm run gen:api-client` after changing it)', async () => {
    const committed = readFileSync(resolve(__dirname, '../../libs/api-client/src/generated/schema.ts'), 'utf8');
    expect(committed).toBe(await generateApiTypes());
  });
});
