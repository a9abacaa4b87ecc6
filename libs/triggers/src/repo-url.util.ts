/**
 * One spelling for the many URLs of a repository (https, ssh, scp-like, file, a bare path), so an
 * application's `pipelinesRepo.url` is recognised in a delivery whatever form either uses.
 */
export function normalizeRepoUrl(url: string): string {
  let u = url.trim();
  const scp = /^([^@/:]+@)?([^/:]+):(?!\/)(.+)$/.exec(u);
  if (scp && !/^[a-z]+:\/\//i.test(u)) u = `${scp[2]}/${scp[3]}`;
  else u = u.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/^[^@/]+@/, '');
  u = u.replace(/\/+$/, '').replace(/\.git$/, '');
  const slash = u.indexOf('/');
  return slash > 0 ? u.slice(0, slash).toLowerCase() + u.slice(slash) : u;
}

export function sameRepo(a: string, b: string): boolean {
  return normalizeRepoUrl(a) === normalizeRepoUrl(b);
}
