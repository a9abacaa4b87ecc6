import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import type { Schemas } from '@gennaker/api-client';
import { useAccounts, useClusters, useRunTask } from '../api/queries';
import { ConfirmDialog } from '../components/confirm-dialog';
import { ErrorBox } from '../components/error-box';
import { formatTime } from '../util/format.util';
import { clusterActivity, groupClusters, serverGroupVersion } from '../util/clusters.util';

type ServerGroupView = Schemas['ServerGroupSummary'];

type Operation = 'resize' | 'enable' | 'disable' | 'destroy' | 'rollback';

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

interface Pending {
  op: Operation;
  account: string;
  cluster: string;
  group: ServerGroupView;
  /** For a rollback: the group to bring back. */
  restore?: ServerGroupView;
}

const OP_TYPE: Record<Operation, string> = {
  resize: 'resizeServerGroup',
  enable: 'enableServerGroup',
  disable: 'disableServerGroup',
  destroy: 'destroyServerGroup',
  rollback: 'rollbackServerGroup',
};

/** Server groups per account and region, by cluster; red/black progress; ad-hoc operations. */
export default function ClustersPage() {
  const { app = '' } = useParams();
  const clusters = useClusters(app);
  const accounts = useAccounts();
  const run = useRunTask(app);
  const [pending, setPending] = useState<Pending | null>(null);
  const [capacity, setCapacity] = useState({ min: 0, max: 0, desired: 0 });
  const [started, setStarted] = useState<{ id: string; what: string } | null>(null);
  const grouped = useMemo(() => groupClusters(clusters.data ?? []), [clusters.data]);
  const providerOf = (account: string) => accounts.data?.find((a) => a.name === account)?.provider;

  const open = (p: Pending) => {
    setCapacity({ ...p.group.capacity });
    setPending(p);
    run.reset();
  };
  const confirm = () => {
    if (!pending) return;
    const g = pending.group;
    const provider = providerOf(pending.account);
    const base = { type: OP_TYPE[pending.op], credentials: pending.account, ...(provider ? { cloudProvider: provider } : {}), region: g.region, regions: [g.region], cluster: pending.cluster, serverGroupName: g.name };
    const job =
      pending.op === 'resize'
        ? { ...base, action: 'scale_exact', capacity }
        : pending.op === 'rollback'
          ? { ...base, rollbackType: 'EXPLICIT', rollbackContext: { rollbackServerGroupName: g.name, restoreServerGroupName: pending.restore?.name } }
          : base;
    const what = `${pending.op} ${g.name}`;
    run.mutate(
      { description: `${capitalize(what)} (${pending.account}, ${g.region})`, job: [job] },
      {
        onSuccess: (r) => {
          setStarted({ id: r.id, what });
          setPending(null);
        },
      },
    );
  };

  return (
    <section aria-labelledby="clusters-title">
      <h2 id="clusters-title">Clusters</h2>
      <ErrorBox error={clusters.error} />
      {started && (
        <p className="ok" role="status">
          Started {started.what}: <Link to={`/executions/${started.id}`}>follow the task</Link>.
        </p>
      )}
      {clusters.isPending && <p role="status">Loading…</p>}
      {clusters.data && grouped.length === 0 && <p className="muted">No server groups yet: a deploy stage creates them.</p>}
      {grouped.map((acc) => (
        <section key={acc.account} className="account" aria-label={`Account ${acc.account}`}>
          <h3>
            {acc.account} <span className="badge">{providerOf(acc.account) ?? 'account'}</span>
          </h3>
          {acc.regions.map((reg) => (
            <section key={reg.region} className="region" aria-label={`${acc.account} ${reg.region}`}>
              <h4>{reg.region}</h4>
              {reg.clusters.map((c) => {
                const activity = clusterActivity(c.serverGroups);
                return (
                  <div key={c.name} className="card cluster" data-testid={`cluster-${c.name}`}>
                    <div className="row between">
                      <h5>
                        {c.name}{' '}
                        {c.loadBalancers.map((lb) => (
                          <span key={lb.name} className="small muted">
                            · load balancer {lb.name}
                            {lb.address ? (
                              <>
                                {' '}
                                at <a href={lb.address}>{lb.address}</a>
                              </>
                            ) : null}{' '}
                          </span>
                        ))}
                      </h5>
                      {activity && (
                        <span className="badge status-running" data-testid="redblack" role="status">
                          {activity}
                        </span>
                      )}
                    </div>
                    <div className="server-groups">
                      {c.serverGroups.map((g, i) => {
                        const previous = c.serverGroups.slice(i + 1).find((x) => !x.enabled && x.instances.total > 0) ?? c.serverGroups[i + 1];
                        return <ServerGroupCard key={g.name} group={g} onOp={(op) => open({ op, account: acc.account, cluster: c.name, group: g, restore: op === 'rollback' ? previous : undefined })} canRollback={g.enabled && previous !== undefined} />;
                      })}
                    </div>
                  </div>
                );
              })}
            </section>
          ))}
        </section>
      ))}
      <ConfirmDialog
        open={pending !== null}
        title={pending ? `${capitalize(pending.op)} ${pending.group.name}?` : ''}
        danger={pending?.op === 'destroy' || pending?.op === 'disable'}
        confirmLabel={pending ? capitalize(pending.op) : ''}
        busy={run.isPending}
        onClose={() => setPending(null)}
        onConfirm={confirm}
        message={
          pending?.op === 'destroy'
            ? 'Its instances are terminated. This cannot be undone.'
            : pending?.op === 'disable'
              ? 'It stops taking traffic; its instances keep running.'
              : pending?.op === 'enable'
                ? 'It starts taking traffic.'
                : pending?.op === 'rollback'
                  ? `${pending.restore?.name ?? 'The previous server group'} is enabled (and resized to match), then ${pending.group.name} is disabled.`
                  : 'Sets the capacity of the server group.'
        }
      >
        {pending?.op === 'resize' && (
          <div className="grid3">
            {(['min', 'desired', 'max'] as const).map((k) => (
              <div className="field" key={k}>
                <label htmlFor={`resize-${k}`}>{capitalize(k)}</label>
                <input id={`resize-${k}`} type="number" min={0} value={capacity[k]} onChange={(e) => setCapacity({ ...capacity, [k]: Number(e.target.value) })} />
              </div>
            ))}
          </div>
        )}
        <ErrorBox error={run.error} />
      </ConfirmDialog>
    </section>
  );
}

function ServerGroupCard({ group: g, onOp, canRollback }: { group: ServerGroupView; onOp: (op: Operation) => void; canRollback: boolean }) {
  const { up, starting, down, total } = g.instances;
  const desired = Math.max(g.capacity.desired, total, 1);
  const pct = (n: number) => `${(n / desired) * 100}%`;
  return (
    <article className={`server-group${g.enabled ? '' : ' disabled'}`} aria-label={`Server group ${g.name}`} data-testid={`sg-${g.name}`} data-enabled={g.enabled}>
      <div className="row between">
        <strong>{serverGroupVersion(g.name) ?? g.name}</strong>
        <span className={`badge ${g.enabled ? 'status-succeeded' : 'status-waiting'}`}>{g.enabled ? 'enabled' : 'disabled'}</span>
      </div>
      <div className="muted small">{g.name}</div>
      <div className="health" role="img" aria-label={`${up} up, ${starting} starting, ${down} down of ${g.capacity.desired} desired`}>
        <span className="up" style={{ width: pct(up) }} />
        <span className="starting" style={{ width: pct(starting) }} />
        <span className="down" style={{ width: pct(down) }} />
      </div>
      <div className="small" data-testid="health-counts">
        {up} up · {starting} starting · {down} down
      </div>
      <div className="small">
        capacity {g.capacity.min} / {g.capacity.desired} / {g.capacity.max} <span className="muted">(min / desired / max)</span>
      </div>
      {g.image && <div className="small mono">{g.image}</div>}
      {g.createdTime && <div className="muted small">created {formatTime(g.createdTime)}</div>}
      <div className="row wrap actions">
        <button type="button" className="small" onClick={() => onOp('resize')}>
          Resize
        </button>
        {g.enabled ? (
          <button type="button" className="small" onClick={() => onOp('disable')}>
            Disable
          </button>
        ) : (
          <button type="button" className="small" onClick={() => onOp('enable')}>
            Enable
          </button>
        )}
        {canRollback && (
          <button type="button" className="small" onClick={() => onOp('rollback')}>
            Roll back
          </button>
        )}
        <button type="button" className="small danger" onClick={() => onOp('destroy')}>
          Destroy
        </button>
      </div>
    </article>
  );
}
