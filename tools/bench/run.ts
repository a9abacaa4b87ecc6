// npm run bench -- <name>: runs tools/bench/<name>/index.ts. Its last printed line is one JSON object.
import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';

const name = process.argv[2];
const dir = resolve(__dirname);
const available = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(resolve(dir, d.name, 'index.ts'))).map((d) => d.name);
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <name>   (one of: ${available.join(', ')})`);
  process.exit(2);
}
process.argv.splice(2, 1);
require(resolve(dir, name, 'index.ts'));
