#!/usr/bin/env node
// Sends the demo's signed GitHub webhook for a tag push: node tools/demo/push.mjs v3
// (reads the API address, token and webhook secret the running demo wrote under GENNAKER_DATA_DIR).
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sendPush } from './scenario.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const version = process.argv[2];
if (!version || !/^v[0-9]+$/.test(version)) {
  console.error('usage: node tools/demo/push.mjs v3   (a tag like v1, v2, v3)');
  process.exit(2);
}
const dataDir = resolve(process.env.GENNAKER_DATA_DIR ?? join(root, '.data'));
let demo;
try {
  demo = JSON.parse(readFileSync(join(dataDir, 'demo.json'), 'utf8'));
} catch {
  console.error(`no running demo found (${join(dataDir, 'demo.json')}); start it with: npm run demo`);
  process.exit(1);
}
const delivery = await sendPush(demo.apiUrl, demo.secret, version);
console.log(`delivery ${delivery.deliveryId}: started ${delivery.executions.length} execution(s): ${delivery.executions.join(', ')}`);
for (const id of delivery.executions) console.log(`  curl -H 'Authorization: Bearer ${demo.token}' ${demo.apiUrl}/api/v1/executions/${id}`);
