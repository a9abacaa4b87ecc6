export interface RouteTarget {
  id: string;
  port: number;
}

export interface RouteGroup {
  name: string;
  /** Healthy instances of an enabled group. */
  targets: RouteTarget[];
}

/**
 * Share of traffic per server group. Without weights: in proportion to healthy instances. With
 * weights (a canary split): as weighted, groups not named get none; but when no weighted group
 * has a healthy instance the weights are ignored, so a stale split never blackholes traffic.
 */
export function effectiveWeights(groups: readonly RouteGroup[], weights: Readonly<Record<string, number>>): Map<string, number> {
  const out = new Map<string, number>();
  const live = groups.filter((g) => g.targets.length > 0);
  const weighted = live.filter((g) => (weights[g.name] ?? 0) > 0);
  for (const g of live) out.set(g.name, weighted.length > 0 ? Math.max(0, weights[g.name] ?? 0) : g.targets.length);
  return out;
}

/**
 * Smooth weighted round robin (nginx's): deterministic, and spreads a group's share evenly over
 * time instead of in bursts. Within a group, plain round robin over its healthy instances.
 */
export class WeightedPicker {
  private current = new Map<string, number>();
  private next = new Map<string, number>();

  pick(groups: readonly RouteGroup[], weights: Readonly<Record<string, number>>, exclude: ReadonlySet<string> = new Set()): { group: string; target: RouteTarget } | null {
    const usable = groups.map((g) => ({ ...g, targets: g.targets.filter((t) => !exclude.has(t.id)) }));
    const w = effectiveWeights(usable, weights);
    let total = 0;
    let best: string | null = null;
    let bestScore = -Infinity;
    for (const [name, weight] of w) {
      if (weight <= 0) continue;
      total += weight;
      const score = (this.current.get(name) ?? 0) + weight;
      this.current.set(name, score);
      if (score > bestScore) {
        bestScore = score;
        best = name;
      }
    }
    if (best === null) return null;
    this.current.set(best, bestScore - total);
    const group = usable.find((g) => g.name === best) as RouteGroup;
    const i = (this.next.get(best) ?? 0) % group.targets.length;
    this.next.set(best, i + 1);
    return { group: best, target: group.targets[i] as RouteTarget };
  }
}
