/** Small SVG charts for the canary report: no chart library needed for a line and box plots. */

export function quantiles(values: readonly number[]): { min: number; q1: number; median: number; q3: number; max: number } | null {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const at = (p: number) => {
    const i = (v.length - 1) * p;
    const lo = v[Math.floor(i)] ?? 0;
    const hi = v[Math.ceil(i)] ?? lo;
    return lo + (hi - lo) * (i - Math.floor(i));
  };
  return { min: at(0), q1: at(0.25), median: at(0.5), q3: at(0.75), max: at(1) };
}

/** Score per interval; `slots` (the planned intervals) fixes the x axis while a canary still runs. */
export function ScoreChart({ points, pass, marginal, label, slots = 0 }: { points: Array<{ x: number; score: number; label: string }>; pass?: number; marginal?: number; label: string; slots?: number }) {
  const W = 640;
  const H = 200;
  const pad = { l: 36, r: 12, t: 10, b: 24 };
  const n = Math.max(1, Math.max(points.length, slots) - 1);
  const px = (i: number) => pad.l + (i / n) * (W - pad.l - pad.r);
  const py = (s: number) => pad.t + (1 - s / 100) * (H - pad.t - pad.b);
  const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${px(i).toFixed(1)},${py(p.score).toFixed(1)}`).join(' ');
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
        {[0, 25, 50, 75, 100].map((t) => (
          <g key={t}>
            <line x1={pad.l} x2={W - pad.r} y1={py(t)} y2={py(t)} className="grid" />
            <text x={pad.l - 6} y={py(t) + 4} textAnchor="end" className="axis">
              {t}
            </text>
          </g>
        ))}
        {pass !== undefined && <line x1={pad.l} x2={W - pad.r} y1={py(pass)} y2={py(pass)} className="threshold pass" />}
        {marginal !== undefined && <line x1={pad.l} x2={W - pad.r} y1={py(marginal)} y2={py(marginal)} className="threshold marginal" />}
        <path d={path} className="line" />
        {points.map((p, i) => (
          <circle key={i} cx={px(i)} cy={py(p.score)} r={4} className="dot">
            <title>{`${p.label}: ${p.score.toFixed(1)}`}</title>
          </circle>
        ))}
        {points.map((p, i) => (
          <text key={`t${i}`} x={px(i)} y={H - 6} textAnchor="middle" className="axis">
            {p.label}
          </text>
        ))}
      </svg>
      <figcaption className="visually-hidden">
        {points.map((p) => `${p.label}: ${p.score.toFixed(1)}`).join(', ')}
      </figcaption>
    </figure>
  );
}

interface Stats {
  count: number;
  mean: number;
  min: number;
  max: number;
  median: number;
  std: number;
}

/**
 * Control against experiment from the judge's statistics alone (no samples stored): min-max
 * whiskers, a box of mean ± one standard deviation, the median as a line.
 */
export function StatsChart({ control, experiment, label }: { control: Stats; experiment: Stats; label: string }) {
  const W = 420;
  const H = 80;
  const lo = Math.min(control.min, experiment.min, control.mean - control.std, experiment.mean - experiment.std);
  const hi = Math.max(control.max, experiment.max, control.mean + control.std, experiment.mean + experiment.std);
  const span = hi - lo || 1;
  const x = (v: number) => 70 + ((v - lo) / span) * (W - 84);
  const row = (s: Stats, y: number, cls: string, name: string) => (
    <g className={cls}>
      <text x={4} y={y + 4} className="axis">
        {name}
      </text>
      <line x1={x(s.min)} x2={x(s.max)} y1={y} y2={y} className="whisker" />
      <rect x={x(s.mean - s.std)} y={y - 10} width={Math.max(1, x(s.mean + s.std) - x(s.mean - s.std))} height={20} className="box" />
      <line x1={x(s.median)} x2={x(s.median)} y1={y - 10} y2={y + 10} className="median" />
    </g>
  );
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${label}: control mean ${control.mean.toPrecision(3)} (n=${control.count}), experiment mean ${experiment.mean.toPrecision(3)} (n=${experiment.count})`}>
        {row(control, 22, 'control', 'control')}
        {row(experiment, 56, 'experiment', 'experiment')}
        <text x={70} y={H - 1} className="axis">
          {lo.toPrecision(3)}
        </text>
        <text x={W - 14} y={H - 1} textAnchor="end" className="axis">
          {hi.toPrecision(3)}
        </text>
      </svg>
    </figure>
  );
}

/** Control against experiment: a box plot each on one axis, and every sample as a tick. */
export function DistributionChart({ control, experiment, label }: { control: readonly number[]; experiment: readonly number[]; label: string }) {
  const W = 420;
  const H = 96;
  const all = [...control, ...experiment].filter((x) => Number.isFinite(x));
  if (all.length === 0) return <p className="muted small">No data.</p>;
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const span = hi - lo || 1;
  const x = (v: number) => 70 + ((v - lo) / span) * (W - 84);
  const row = (values: readonly number[], y: number, cls: string, name: string) => {
    const q = quantiles(values);
    return (
      <g className={cls}>
        <text x={4} y={y + 4} className="axis">
          {name}
        </text>
        {q && (
          <>
            <line x1={x(q.min)} x2={x(q.max)} y1={y} y2={y} className="whisker" />
            <rect x={x(q.q1)} y={y - 10} width={Math.max(1, x(q.q3) - x(q.q1))} height={20} className="box" />
            <line x1={x(q.median)} x2={x(q.median)} y1={y - 10} y2={y + 10} className="median" />
          </>
        )}
        {values.slice(0, 400).map((v, i) => (
          <line key={i} x1={x(v)} x2={x(v)} y1={y + 13} y2={y + 17} className="tick" />
        ))}
      </g>
    );
  };
  const qc = quantiles(control);
  const qe = quantiles(experiment);
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${label}: control median ${qc?.median.toPrecision(3) ?? '–'}, experiment median ${qe?.median.toPrecision(3) ?? '–'}`}>
        {row(control, 24, 'control', 'control')}
        {row(experiment, 66, 'experiment', 'experiment')}
        <text x={70} y={H - 1} className="axis">
          {lo.toPrecision(3)}
        </text>
        <text x={W - 14} y={H - 1} textAnchor="end" className="axis">
          {hi.toPrecision(3)}
        </text>
      </svg>
    </figure>
  );
}
