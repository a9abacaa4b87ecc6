import { readFileSync } from 'node:fs';
import { parseAccounts, type RawAccount } from '@gennaker/cloud';
import { errorMessage, InputError } from '@gennaker/common';
import { parse } from 'yaml';

/**
 * The accounts: the built-in `local` one, plus those of GENNAKER_ACCOUNTS_FILE (YAML or JSON,
 * `accounts: [{name, provider, environment, regions, permissions?, defaults?, ...}]`). A bad file
 * stops the process with every problem and its pointer: a typo must not deploy to the wrong place.
 */
export function loadAccounts(file: string | null): RawAccount[] {
  if (!file) return parseAccounts(undefined);
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`GENNAKER_ACCOUNTS_FILE ${file} cannot be read: ${errorMessage(err)}`);
  }
  try {
    return parseAccounts(doc);
  } catch (err) {
    if (err instanceof InputError) {
      throw new Error(`GENNAKER_ACCOUNTS_FILE ${file} is invalid:\n${err.details.map((d) => `- ${d.pointer || '/'}: ${d.message}`).join('\n')}`);
    }
    throw err;
  }
}
