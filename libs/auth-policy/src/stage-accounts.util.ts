/**
 * The cloud accounts a stage acts on, as written in its context: `credentials` (cluster stages),
 * `account` (deploy clusters, canary scopes) and the same keys in `clusters[]`. Values that are still
 * expressions are left out: they are checked when the stage runs, on the evaluated context.
 */
export function accountsOfContext(context: Readonly<Record<string, unknown>>): string[] {
  const found = new Set<string>();
  const take = (o: unknown): void => {
    if (typeof o !== 'object' || o === null || Array.isArray(o)) return;
    const rec = o as Record<string, unknown>;
    for (const key of ['credentials', 'account']) {
      const v = rec[key];
      if (typeof v === 'string' && v !== '' && !v.includes('${')) found.add(v);
    }
  };
  take(context);
  for (const key of ['clusters', 'scopes']) {
    const items = context[key];
    if (Array.isArray(items)) items.forEach(take);
  }
  for (const key of ['cluster', 'deploy']) take(context[key]);
  return [...found];
}

/** Every account the stages of a pipeline (or an orchestration's job) name. */
export function accountsOfStages(stages: unknown): string[] {
  if (!Array.isArray(stages)) return [];
  const all = new Set<string>();
  for (const s of stages) {
    if (typeof s === 'object' && s !== null && !Array.isArray(s)) for (const a of accountsOfContext(s as Record<string, unknown>)) all.add(a);
  }
  return [...all];
}
