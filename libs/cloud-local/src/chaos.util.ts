import { killGroup } from './host/process.util';

/**
 * Chaos for the local provider, in the spirit of Chaos Monkey and FIT: while
 * GENNAKER_LOCAL_CHAOS is set, the local host SIGKILLs instances of the chosen server groups at a
 * given rate; its supervisor then restarts them as it would after any crash. Meant for game days
 * and tests of deploys and canaries under failure; off when unset.
 *
 *   GENNAKER_LOCAL_CHAOS='{"serverGroups":["hello-demo-*"],"killsPerMinute":6,"seed":7,"minUp":1}'
 *
 * Added by the operations work (issue 9) as a separate file with one call from the host's tick.
 */
export interface ChaosSettings {
  /** Server group names or globs (`*` matches anything): `hello-demo-*`, `hello-demo-v003`. */
  serverGroups: string[];
  /** Expected kills per minute for each matching server group that has a live instance. */
  killsPerMinute: number;
  /** Instance states that may be killed (default: up and starting). */
  states: string[];
  /** Seed of the random choices, for a reproducible game day. */
  seed: number;
  /**
   * Instances of a group that must stay up after a kill (default 1): the blast radius of a game
   * day, as FIT limits it. 0 lets chaos take a group down entirely.
   */
  minUp: number;
}

/** An instance as the chaos monkey sees it. */
export interface ChaosCandidate {
  id: string;
  serverGroup: string;
  state: string;
}

export function parseChaosSettings(raw: string | undefined): ChaosSettings | null {
  if (raw === undefined || raw.trim() === '' || raw.trim() === 'off') return null;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw new Error(`GENNAKER_LOCAL_CHAOS must be JSON like {"serverGroups":["app-stack-*"],"killsPerMinute":2}, got ${JSON.stringify(raw.slice(0, 80))}`);
  }
  const o = (v ?? {}) as Record<string, unknown>;
  const groups = o['serverGroups'];
  if (!Array.isArray(groups) || groups.length === 0 || !groups.every((g) => typeof g === 'string' && g !== '')) {
    throw new Error('GENNAKER_LOCAL_CHAOS: /serverGroups must be a non-empty list of server group names or globs');
  }
  const rate = o['killsPerMinute'];
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0 || rate > 600) throw new Error('GENNAKER_LOCAL_CHAOS: /killsPerMinute must be a number above 0 and at most 600');
  const states = o['states'] ?? ['up', 'starting'];
  if (!Array.isArray(states) || !states.every((s) => ['up', 'starting', 'down'].includes(String(s)))) throw new Error('GENNAKER_LOCAL_CHAOS: /states may hold up, starting and down');
  const seed = o['seed'] ?? Date.now();
  if (typeof seed !== 'number' || !Number.isInteger(seed)) throw new Error('GENNAKER_LOCAL_CHAOS: /seed must be an integer');
  const minUp = o['minUp'] ?? 1;
  if (typeof minUp !== 'number' || !Number.isInteger(minUp) || minUp < 0) throw new Error('GENNAKER_LOCAL_CHAOS: /minUp must be an integer >= 0');
  return { serverGroups: groups as string[], killsPerMinute: rate, states: states.map(String), seed, minUp };
}

export function globMatches(glob: string, name: string): boolean {
  const re = new RegExp(`^${glob.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(name);
}

/** A small seeded generator (mulberry32): the same seed kills in the same pattern. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Which instances to kill in a tick of `elapsedMs`: for each matching group with live instances,
 * one kill with probability 1 - e^(-rate * elapsed) (a Poisson process at `killsPerMinute`), of an
 * instance chosen at random. Pure: the random source is passed in.
 */
export function chaosVictims(candidates: readonly ChaosCandidate[], s: ChaosSettings, elapsedMs: number, random: () => number): ChaosCandidate[] {
  const byGroup = new Map<string, ChaosCandidate[]>();
  for (const c of candidates) {
    if (!s.states.includes(c.state) || !s.serverGroups.some((g) => globMatches(g, c.serverGroup))) continue;
    byGroup.set(c.serverGroup, [...(byGroup.get(c.serverGroup) ?? []), c]);
  }
  const p = 1 - Math.exp(-(s.killsPerMinute * Math.max(0, elapsedMs)) / 60_000);
  const up = new Map<string, number>();
  for (const c of candidates) if (c.state === 'up') up.set(c.serverGroup, (up.get(c.serverGroup) ?? 0) + 1);
  const out: ChaosCandidate[] = [];
  for (const group of [...byGroup.keys()].sort()) {
    if (random() >= p) continue;
    const upLeft = up.get(group) ?? 0;
    // Only instances whose loss leaves at least minUp instances of the group up.
    const list = (byGroup.get(group) as ChaosCandidate[]).filter((c) => (c.state === 'up' ? upLeft - 1 : upLeft) >= s.minUp);
    if (list.length === 0) continue;
    out.push(list[Math.min(list.length - 1, Math.floor(random() * list.length))] as ChaosCandidate);
  }
  return out;
}

/** The local host's chaos monkey: decides each tick and kills with SIGKILL, logging each kill. */
export class ChaosMonkey {
  private last: number | null = null;
  private readonly random: () => number;
  kills = 0;
  /** Requests the load balancer had in flight on killed instances at the moment of each kill. */
  inFlightAtKills = 0;

  constructor(readonly settings: ChaosSettings) {
    this.random = seededRandom(settings.seed);
  }

  tick(
    now: number,
    instances: readonly ChaosCandidate[],
    pidOf: (id: string) => number | null | undefined,
    inFlight: (id: string) => number,
    log: { warn(m: string): void },
  ): void {
    const elapsed = this.last === null ? 0 : now - this.last;
    this.last = now;
    const live = instances.filter((i) => typeof pidOf(i.id) === 'number');
    for (const v of chaosVictims(live, this.settings, elapsed, this.random)) {
      const pid = pidOf(v.id) as number;
      const flying = inFlight(v.id);
      if (!killGroup(pid, 'SIGKILL')) continue;
      this.kills++;
      this.inFlightAtKills += flying;
      log.warn(`local provider chaos: killed ${v.serverGroup} instance ${v.id} (pid ${pid}, ${v.state}) with ${flying} request(s) in flight [kills=${this.kills} inFlightAtKills=${this.inFlightAtKills}]`);
    }
  }
}

/** The chaos monkey of GENNAKER_LOCAL_CHAOS, or null when chaos is off. */
export function chaosFromEnv(env: NodeJS.ProcessEnv = process.env): ChaosMonkey | null {
  const s = parseChaosSettings(env['GENNAKER_LOCAL_CHAOS']);
  return s ? new ChaosMonkey(s) : null;
}
