import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { GitSource } from './git-event.model';

/**
 * Webhook authentication, checked on the raw body before anything else reads it.
 * - GitHub: `X-Hub-Signature-256: sha256=<hex HMAC of the body>` (verified by @octokit/webhooks-methods).
 * - Bitbucket: `X-Hub-Signature: sha256=<hex HMAC of the body>` (the same scheme).
 * - GitLab: `X-Gitlab-Token: <secret>` (GitLab sends the secret itself).
 * Every comparison is constant-time.
 */
export type SignatureResult = 'valid' | 'invalid' | 'missing';

type Headers = Record<string, string | string[] | undefined>;

export function header(headers: Headers, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** The header holding the signature or token of a host's delivery. */
export function signatureHeaderOf(source: GitSource): string {
  switch (source) {
    case 'github':
      return 'x-hub-signature-256';
    case 'gitlab':
      return 'x-gitlab-token';
    case 'bitbucket':
      return 'x-hub-signature';
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

// @octokit/webhooks-methods is ESM only; the apps are CommonJS bundles, so load it lazily.
type Verify = (secret: string, payload: string, signature: string) => Promise<boolean>;
let octokitVerify: Promise<Verify> | null = null;
function loadVerify(): Promise<Verify> {
  octokitVerify ??= import('@octokit/webhooks-methods').then((m) => m.verify as Verify);
  return octokitVerify;
}

/**
 * Which of `secrets` authenticate this body. The HMAC is over the exact bytes received; a body
 * that is not UTF-8 cannot have been signed by GitHub or Bitbucket (they send JSON) and matches none.
 * Two different secrets cannot both authenticate one signature (or equal one token), so the search
 * stops at the first that does: callers put the likeliest first.
 */
export async function verifiedSecrets(source: GitSource, headers: Headers, rawBody: Uint8Array, secrets: readonly string[]): Promise<{ result: SignatureResult; secrets: Set<string> }> {
  const given = header(headers, signatureHeaderOf(source));
  const ok = new Set<string>();
  if (given === undefined || given === '') return { result: 'missing', secrets: ok };
  if (source === 'gitlab') {
    for (const s of secrets) {
      if (constantTimeEqual(given, s)) {
        ok.add(s);
        break;
      }
    }
    return { result: ok.size > 0 ? 'valid' : 'invalid', secrets: ok };
  }
  if (!/^sha256=[0-9a-f]{64}$/i.test(given)) return { result: 'invalid', secrets: ok };
  let text: string;
  try {
    text = UTF8.decode(rawBody);
  } catch {
    return { result: 'invalid', secrets: ok };
  }
  if (text === '') return { result: 'invalid', secrets: ok };
  const verify = await loadVerify();
  const signature = given.toLowerCase();
  for (const s of secrets) {
    if (s !== '' && (await verify(s, text, signature))) {
      ok.add(s);
      break;
    }
  }
  return { result: ok.size > 0 ? 'valid' : 'invalid', secrets: ok };
}

/** `sha256=<hex>` of a body, as GitHub (X-Hub-Signature-256) and Bitbucket (X-Hub-Signature) send it. */
export function signSha256(secret: string, body: string | Uint8Array): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function constantTimeEqual(a: string, b: string): boolean {
  // Hash first so that unequal lengths take the same time as equal ones.
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y) && a.length === b.length;
}

/** A stable id for a delivery that carries none: proxies that retry send the same bytes. */
export function bodyDigest(rawBody: Uint8Array): string {
  return `sha256:${createHash('sha256').update(rawBody).digest('hex')}`;
}

/** The host's delivery id header (GitHub, GitLab, Bitbucket Cloud and Server). */
export function deliveryIdOf(source: GitSource, headers: Headers, rawBody: Uint8Array): string {
  const names: Record<GitSource, string[]> = {
    github: ['x-github-delivery'],
    gitlab: ['x-gitlab-event-uuid', 'x-gitlab-webhook-uuid'],
    bitbucket: ['x-request-uuid', 'x-request-id'],
  };
  for (const n of names[source]) {
    const v = header(headers, n);
    if (v && v.length <= 200) return v;
  }
  return bodyDigest(rawBody);
}
