import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const ROOT = resolve(__dirname, '../..');

// Libs are imported as @gennaker/<lib>, as in tsconfig.base.json.
const alias = readdirSync(resolve(ROOT, 'libs')).map((lib) => ({ find: new RegExp(`^@gennaker/${lib}$`), replacement: resolve(ROOT, 'libs', lib, 'src/index.ts') }));

const api = process.env['GENNAKER_API_URL'] ?? `http://127.0.0.1:${process.env['GENNAKER_API_PORT'] ?? 8084}`;

export default defineConfig({
  root: __dirname,
  plugins: [react()],
  resolve: { alias },
  build: {
    outDir: resolve(ROOT, 'dist/apps/web'),
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    port: Number(process.env['GENNAKER_WEB_PORT'] ?? 9000),
    proxy: { '/api': { target: api, changeOrigin: true }, '/webhooks': { target: api, changeOrigin: true } },
  },
});
