#!/usr/bin/env node
// The `gennaker` command: runs the CLI bundle, building it first when it is missing.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { execFileSync } = require('node:child_process');

const root = join(__dirname, '..', '..', '..');
const bundle = join(root, 'dist', 'apps', 'cli', 'main.js');
if (!existsSync(bundle)) {
  execFileSync(process.execPath, [join(root, 'tools', 'build', 'build.mjs'), 'cli'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}
require(bundle)
  .run(process.argv)
  .then((code) => {
    // Exit once output is flushed, whatever sockets (a server-sent-events stream) are still open.
    process.stdout.write('', () => process.exit(code));
  });
