import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';

export interface PipelineFileRead {
  /** Path as given (file) or relative to the folder. */
  file: string;
  text: string;
}

/** A pipeline file, or every `*.json` under a folder (sorted, recursive, hidden folders included). */
export function readPipelineFiles(path: string): PipelineFileRead[] {
  const st = statSync(path);
  if (st.isFile()) return [{ file: basename(path), text: readFileSync(path, 'utf8') }];
  const out: PipelineFileRead[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && entry.name !== '.git') walk(p);
      } else if (entry.name.toLowerCase().endsWith('.json')) out.push({ file: relative(path, p), text: readFileSync(p, 'utf8') });
    }
  };
  walk(path);
  return out;
}

/** Parses a file; application and name default from `--application` and the file name. */
export function pipelineDocument(f: PipelineFileRead, application?: string): Record<string, unknown> {
  const doc = JSON.parse(f.text) as unknown;
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error(`${f.file}: a pipeline file holds one JSON object`);
  const d = doc as Record<string, unknown>;
  return { ...d, application: d['application'] ?? application, name: d['name'] ?? basename(f.file).replace(/\.json$/i, '') };
}
