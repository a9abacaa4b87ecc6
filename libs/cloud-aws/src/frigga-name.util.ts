/**
 * Netflix Frigga names as Clouddriver parses them: `app-stack-detail-vNNN`. The AWS provider needs
 * them to tag what it creates and to refuse a name that would not round-trip.
 */
export interface FriggaName {
  application: string;
  stack?: string;
  detail?: string;
  cluster: string;
  sequence: number | null;
}

const NAME_CHARS = 'a-zA-Z0-9._';
const DETAIL_CHARS = 'a-zA-Z0-9._~^';
const PUSH = /^(.*)-v(\d{3,6})$/;
const CLUSTER = new RegExp(`^([${NAME_CHARS}]+)(?:-([${NAME_CHARS}]*)(?:-([${DETAIL_CHARS}][${DETAIL_CHARS}-]*)?)?)?$`);

/** Parses a server group or cluster name; null when it is not a Frigga name. */
export function parseFriggaName(name: string): FriggaName | null {
  const push = PUSH.exec(name);
  const cluster = push ? (push[1] as string) : name;
  const m = CLUSTER.exec(cluster);
  if (!m) return null;
  const [, application, stack, detail] = m;
  return {
    application: application as string,
    ...(stack ? { stack } : {}),
    ...(detail ? { detail } : {}),
    cluster,
    sequence: push ? Number(push[2]) : null,
  };
}

/** The cluster of a server group: its name without the version. */
export function clusterOf(name: string): string {
  return PUSH.exec(name)?.[1] ?? name;
}

/**
 * Launch template names allow fewer characters than ASG names (no `~` or `^`), so the template
 * of a group is its name with those replaced; deterministic, so destroy and retries find it.
 */
export function launchTemplateNameOf(serverGroupName: string): string {
  return serverGroupName.replace(/[^a-zA-Z0-9().\-/_]/g, '_');
}
