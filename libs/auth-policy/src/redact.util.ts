/** What the API and the logs show instead of a secret (the same mask the pipeline API uses for trigger secrets). */
export const REDACTED = '********';

/**
 * An encrypted secret stored in a document is still a string (`gk-secret:` + the cipher text), so
 * the document keeps passing its schema (a revision restored, a pipeline exported and applied).
 */
export const SEALED_PREFIX = 'gk-secret:';

export function isSealedSecret(v: unknown): v is string {
  return typeof v === 'string' && v.startsWith(SEALED_PREFIX);
}

/**
 * Keys whose values are secrets wherever they appear: passwords, secrets, tokens, API and private
 * keys, external ids, authorization and cookie headers. `credentials` alone is not one: cluster
 * stages name their account with it.
 */
// A bare `pass` is not one (a canary's `scoreThresholds.pass`); `smtpPass`, `db_pass` are.
const SECRET_KEY = /.pass$|pass(word|phrase|wd)$|passw|secret|token|api[-_]?key|access[-_]?key|private[-_]?key|external[-_]?id|authorization|cookie|client[-_]?secret|credential(?!s$)|webhook[-_]?url$/i;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

function hasValue(v: unknown): boolean {
  return v !== null && v !== undefined && v !== '';
}

/**
 * A copy of `value` with every secret-keyed value, and every encrypted one, replaced by REDACTED (deep).
 * Known secret strings (`known`) are scrubbed from every string as well.
 */
export function redactSecrets<T>(value: T, known: readonly string[] = []): T {
  return walk(value, known, 0) as T;
}

function walk(v: unknown, known: readonly string[], depth: number): unknown {
  if (depth > 64) return v;
  if (isSealedSecret(v)) return REDACTED;
  if (typeof v === 'string') return known.length > 0 ? scrubText(v, known) : v;
  if (Array.isArray(v)) return v.map((x) => walk(x, known, depth + 1));
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    out[k] = isSecretKey(k) && hasValue(x) ? REDACTED : walk(x, known, depth + 1);
  }
  return out;
}

/** Shapes of our own credentials, scrubbed from log lines even when no one registered them. */
const TOKEN_SHAPES: RegExp[] = [/\bgk_[A-Za-z0-9_-]{16,}/g, /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, /([?&](access_token|token|secret|password|api_key|apikey)=)[^&\s"']+/gi];

/** Replaces each known secret (6 characters or more) and anything shaped like a token by REDACTED. */
export function scrubText(text: string, known: readonly string[] = []): string {
  let out = text;
  for (const s of known) if (s.length >= 6 && out.includes(s)) out = out.split(s).join(REDACTED);
  for (const re of TOKEN_SHAPES) {
    out = out.replace(re, (m, p1: string | undefined) => (m.startsWith('?') || m.startsWith('&') ? `${p1 ?? ''}${REDACTED}` : m.startsWith('gk_') ? REDACTED : `${m.split(/\s+/)[0]} ${REDACTED}`));
  }
  return out;
}

/**
 * Before a document is stored: a value sent back as REDACTED (at a secret key, or where an encrypted
 * value was) means "keep the one you have", found at
 * the same place in the previous document (stages are matched by refId, other lists by position).
 * Without a previous value the masked key is dropped rather than stored as the mask.
 */
export function restoreRedacted(next: unknown, previous: unknown): unknown {
  if (Array.isArray(next)) {
    const prev = Array.isArray(previous) ? previous : [];
    return next.map((item, i) => {
      const ref = isRecord(item) && typeof item['refId'] === 'string' ? prev.find((p) => isRecord(p) && p['refId'] === item['refId']) : prev[i];
      return restoreRedacted(item, ref);
    });
  }
  if (!isRecord(next)) return next;
  const prev = isRecord(previous) ? previous : {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(next)) {
    if (v === REDACTED && (isSecretKey(k) || isSealedSecret(prev[k]))) {
      if (prev[k] !== undefined) out[k] = prev[k];
      continue;
    }
    out[k] = restoreRedacted(v, prev[k]);
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
