// Generates libs/api-client/src/generated/schema.ts (TypeScript types of every path and schema)
// from the OpenAPI document the API serves. Run: npm run gen:api-client (a spec checks freshness).
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import { openApiDocument } from '../../libs/api-client/src/openapi-document';

export async function generateApiTypes(): Promise<string> {
  const ast = await openapiTS(openApiDocument() as never, { alphabetize: true });
  return `// Generated from the OpenAPI document by tools/api-client/generate.ts. Do not edit.\n/* eslint-disable */\n${astToString(ast)}`;
}

if (require.main === module) {
  void generateApiTypes().then((text) => {
    const out = resolve(__dirname, '../../libs/api-client/src/generated/schema.ts');
    writeFileSync(out, text);
    console.log(`wrote ${out}`);
  });
}
