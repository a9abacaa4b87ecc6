import type { Schemas } from '@gennaker/api-client';
import { useAccounts } from '../api/queries';
import type { DraftStage } from './pipeline-draft.util';
import { wouldCycle } from './pipeline-draft.util';
import { SchemaField, SchemaForm } from './schema-form';

type StageType = Schemas['StageType'];
type Patch = Record<string, unknown>;

/** Keys the engine reads on every stage (edited in the common section). */
const COMMON = new Set(['refId', 'type', 'name', 'requisiteStageRefIds', 'stageEnabled', 'failPipeline', 'continuePipeline', 'completeOtherBranchesThenFail', 'failOnFailedExpressions', 'overrideTimeout', 'stageTimeoutMs', 'restrictExecutionDuringTimeWindow', 'restrictedExecutionWindow', 'notifications', 'sendNotifications', 'comments']);

type FailureMode = 'halt' | 'branch' | 'branchThenFail' | 'ignore';

function failureMode(s: DraftStage): FailureMode {
  if (s['continuePipeline'] === true) return 'ignore';
  if (s['completeOtherBranchesThenFail'] === true) return 'branchThenFail';
  if (s['failPipeline'] === false) return 'branch';
  return 'halt';
}

const FAILURE_FLAGS: Record<FailureMode, Patch> = {
  halt: { failPipeline: true, continuePipeline: false, completeOtherBranchesThenFail: false },
  branch: { failPipeline: false, continuePipeline: false, completeOtherBranchesThenFail: false },
  branchThenFail: { failPipeline: false, continuePipeline: false, completeOtherBranchesThenFail: true },
  ignore: { failPipeline: false, continuePipeline: true, completeOtherBranchesThenFail: false },
};

export function StageForm({ stage, stages, stageType, onChange, disabled }: { stage: DraftStage; stages: readonly DraftStage[]; stageType: StageType | undefined; onChange: (patch: Patch) => void; disabled?: boolean }) {
  const idp = `stage-${stage.refId}`;
  const parents = (stage.requisiteStageRefIds ?? []).map(String);
  const schema = (stageType?.contextSchema ?? {}) as Record<string, unknown>;
  const schemaProps = (schema['properties'] as Record<string, unknown> | undefined) ?? {};
  // Every stage that acts on a cluster (resize, enable, disable, destroy, rollback, findImage...) shares one form for where it acts.
  const tuned = TUNED[stage.type] ?? (schemaProps['cluster'] && schemaProps['credentials'] ? CLUSTER_TARGET : undefined);
  const tunedKeys = tuned?.keys ?? [];
  const schemaKeys = Object.keys((schema['properties'] as Record<string, unknown> | undefined) ?? {});
  const other = Object.keys(stage).filter((k) => !COMMON.has(k) && !tunedKeys.includes(k) && !schemaKeys.includes(k));
  return (
    <fieldset className="stage-form" disabled={disabled} aria-label={`Stage ${stage.name ?? stage.refId}`}>
      <legend>
        {stageType?.label ?? stage.type} <span className="muted small">(refId {stage.refId})</span>
      </legend>
      {stageType?.description && <p className="muted small">{stageType.description}</p>}
      {!stageType && (
        <p className="error-box" role="alert">
          This install has no stage type &quot;{stage.type}&quot;.
        </p>
      )}
      <div className="field">
        <label htmlFor={`${idp}-name`}>Stage name</label>
        <input id={`${idp}-name`} value={stage.name ?? ''} onChange={(e) => onChange({ name: e.target.value })} />
      </div>
      <fieldset className="inline-group">
        <legend>Runs after</legend>
        {stages.filter((s) => s.refId !== stage.refId).length === 0 && <span className="muted small">No other stages.</span>}
        {stages
          .filter((s) => s.refId !== stage.refId)
          .map((s) => {
            const checked = parents.includes(s.refId);
            const cycle = !checked && wouldCycle(stages, s.refId, stage.refId);
            return (
              <label key={s.refId} className="check" title={cycle ? 'would make a cycle' : undefined}>
                <input
                  type="checkbox"
                  checked={checked}
                  disabled={cycle}
                  onChange={(e) => onChange({ requisiteStageRefIds: e.target.checked ? [...parents, s.refId] : parents.filter((p) => p !== s.refId) })}
                />
                {s.name || s.type} <span className="muted small">({s.refId})</span>
              </label>
            );
          })}
      </fieldset>
      {tuned && <tuned.Form stage={stage} onChange={onChange} idp={idp} schema={schema} />}
      <SchemaForm schema={schema} value={stage} onChange={onChange} idPrefix={idp} disabled={disabled} skip={[...tunedKeys, ...COMMON]} advanced={ADVANCED} />
      {other.length > 0 && (
        <SchemaField
          name="other"
          label="Other context (JSON)"
          schema={{ description: 'Keys this stage type does not describe; kept as they are.' }}
          value={Object.fromEntries(other.map((k) => [k, stage[k]]))}
          idPrefix={idp}
          onChange={(v) => {
            const next = (v && typeof v === 'object' ? v : {}) as Patch;
            const patch: Patch = Object.fromEntries(other.map((k) => [k, undefined]));
            onChange({ ...patch, ...next });
          }}
        />
      )}
      <details>
        <summary>Execution options</summary>
        <div className="field">
          <label htmlFor={`${idp}-failure`}>If this stage fails</label>
          <select id={`${idp}-failure`} value={failureMode(stage)} onChange={(e) => onChange(FAILURE_FLAGS[e.target.value as FailureMode])}>
            <option value="halt">halt the entire pipeline</option>
            <option value="branch">halt this branch of the pipeline</option>
            <option value="branchThenFail">halt this branch and fail the pipeline once other branches complete</option>
            <option value="ignore">ignore the failure</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${idp}-enabled`}>Run only when this expression is true</label>
          <input
            id={`${idp}-enabled`}
            className="mono"
            placeholder="${ parameters.deploy == 'true' }"
            value={(stage['stageEnabled'] as { expression?: string } | undefined)?.expression ?? ''}
            onChange={(e) => onChange({ stageEnabled: e.target.value === '' ? undefined : { type: 'expression', expression: e.target.value } })}
          />
        </div>
        <div className="field">
          <label htmlFor={`${idp}-timeout`}>Stage timeout (minutes)</label>
          <input
            id={`${idp}-timeout`}
            type="number"
            min={1}
            value={typeof stage['stageTimeoutMs'] === 'number' ? Math.round(stage['stageTimeoutMs'] / 60000) : ''}
            onChange={(e) => onChange(e.target.value === '' ? { stageTimeoutMs: undefined, overrideTimeout: undefined } : { stageTimeoutMs: Number(e.target.value) * 60000, overrideTimeout: true })}
          />
        </div>
        <div className="field">
          <label htmlFor={`${idp}-comments`}>Comments</label>
          <textarea id={`${idp}-comments`} rows={2} value={typeof stage['comments'] === 'string' ? stage['comments'] : ''} onChange={(e) => onChange({ comments: e.target.value === '' ? undefined : e.target.value })} />
        </div>
      </details>
    </fieldset>
  );
}

interface TunedProps {
  stage: DraftStage;
  onChange: (patch: Patch) => void;
  idp: string;
  schema: Record<string, unknown>;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
const num = (v: string): number | undefined => (v.trim() === '' ? undefined : Number(v));

function WaitForm({ stage, onChange, idp }: TunedProps) {
  return (
    <SchemaField
      name="waitTime"
      label="Wait time (seconds)"
      idPrefix={idp}
      required
      schema={{ oneOf: [{ type: 'number' }, { type: 'string' }], description: 'Seconds, or an expression that gives them.' }}
      value={stage['waitTime']}
      onChange={(v) => onChange({ waitTime: v })}
    />
  );
}

function ManualJudgmentForm({ stage, onChange, idp }: TunedProps) {
  return (
    <>
      <div className="field">
        <label htmlFor={`${idp}-instructions`}>Instructions for the judge</label>
        <textarea id={`${idp}-instructions`} rows={3} value={str(stage['instructions'])} onChange={(e) => onChange({ instructions: e.target.value === '' ? undefined : e.target.value })} />
      </div>
      <SchemaField
        name="judgmentInputs"
        label="Choices offered to the judge"
        idPrefix={idp}
        schema={{ type: 'array', items: { type: 'object', properties: { value: { type: 'string' } } }, description: 'One per line; the choice is available as #judgment("stage name").' }}
        value={stage['judgmentInputs']}
        onChange={(v) => onChange({ judgmentInputs: v })}
      />
    </>
  );
}

function WebhookForm({ stage, onChange, idp }: TunedProps) {
  return (
    <>
      <div className="field">
        <label htmlFor={`${idp}-url`}>URL</label>
        <input id={`${idp}-url`} type="url" className="mono" value={str(stage['url'])} onChange={(e) => onChange({ url: e.target.value === '' ? undefined : e.target.value })} />
      </div>
      <div className="field">
        <label htmlFor={`${idp}-method`}>Method</label>
        <select id={`${idp}-method`} value={str(stage['method']) || 'POST'} onChange={(e) => onChange({ method: e.target.value })}>
          {['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'].map((m) => (
            <option key={m}>{m}</option>
          ))}
        </select>
      </div>
      <SchemaField name="payload" label="Payload (JSON)" idPrefix={idp} schema={{}} value={stage['payload']} onChange={(v) => onChange({ payload: v })} />
    </>
  );
}

type Cluster = Record<string, unknown> & { capacity?: { min?: number; max?: number; desired?: number }; rollback?: { onFailure?: boolean } };

const CLUSTER_FORM_KEYS = new Set(['account', 'credentials', 'cloudProvider', 'region', 'regions', 'availabilityZones', 'stack', 'freeFormDetails', 'capacity', 'strategy', 'maxRemainingAsgs', 'delayBeforeDisableSec', 'targetHealthyDeployPercentage', 'scaleDown', 'rollback', 'targetPercentages']);

function otherKeys(c: Cluster): Record<string, unknown> | undefined {
  const rest = Object.fromEntries(Object.entries(c).filter(([k]) => !CLUSTER_FORM_KEYS.has(k)));
  return Object.keys(rest).length > 0 ? rest : undefined;
}

/** The region of a deploy cluster: Spinnaker keeps it as availabilityZones {region: [zones]}. */
function regionOf(c: Cluster): string {
  if (typeof c['region'] === 'string') return c['region'];
  const z = c['availabilityZones'];
  return z && typeof z === 'object' ? (Object.keys(z)[0] ?? '') : '';
}

function withRegion(region: string): Cluster {
  return { region: undefined, regions: undefined, availabilityZones: region ? { [region]: [] } : undefined };
}

/** Deploy: one card per cluster, with the strategy and its options (Spinnaker's field names). */
function DeployForm({ stage, onChange, idp }: TunedProps) {
  const accounts = useAccounts();
  const clusters = (Array.isArray(stage['clusters']) ? stage['clusters'] : []) as Cluster[];
  const set = (i: number, patch: Cluster) => onChange({ clusters: clusters.map((c, j) => (j === i ? { ...c, ...patch } : c)) });
  return (
    <fieldset className="inline-group">
      <legend>Clusters to deploy</legend>
      {clusters.map((c, i) => {
        const id = `${idp}-c${i}`;
        const account = accounts.data?.find((a) => a.name === c['account']);
        const strategy = str(c['strategy']);
        return (
          <div key={i} className="card nested">
            <div className="grid2">
              <div className="field">
                <label htmlFor={`${id}-account`}>Account</label>
                {accounts.data ? (
                  <select
                    id={`${id}-account`}
                    value={str(c['account'])}
                    onChange={(e) => set(i, { account: e.target.value, cloudProvider: accounts.data?.find((a) => a.name === e.target.value)?.provider })}
                  >
                    <option value="">(choose)</option>
                    {accounts.data.map((a) => (
                      <option key={a.name} value={a.name}>
                        {a.name} ({a.provider})
                      </option>
                    ))}
                  </select>
                ) : (
                  <input id={`${id}-account`} value={str(c['account'])} onChange={(e) => set(i, { account: e.target.value })} />
                )}
              </div>
              <div className="field">
                <label htmlFor={`${id}-region`}>Region</label>
                {account ? (
                  <select id={`${id}-region`} value={regionOf(c)} onChange={(e) => set(i, withRegion(e.target.value))}>
                    <option value="">(choose)</option>
                    {account.regions.map((r) => (
                      <option key={r}>{r}</option>
                    ))}
                  </select>
                ) : (
                  <input id={`${id}-region`} value={regionOf(c)} onChange={(e) => set(i, withRegion(e.target.value))} />
                )}
              </div>
              <div className="field">
                <label htmlFor={`${id}-stack`}>Stack</label>
                <input id={`${id}-stack`} value={str(c['stack'])} onChange={(e) => set(i, { stack: e.target.value || undefined })} />
              </div>
              <div className="field">
                <label htmlFor={`${id}-detail`}>Detail</label>
                <input id={`${id}-detail`} value={str(c['freeFormDetails'])} onChange={(e) => set(i, { freeFormDetails: e.target.value || undefined })} />
              </div>
              {(['min', 'max', 'desired'] as const).map((k) => (
                <div className="field" key={k}>
                  <label htmlFor={`${id}-${k}`}>Capacity {k}</label>
                  <input id={`${id}-${k}`} type="number" min={0} value={c.capacity?.[k] ?? ''} onChange={(e) => set(i, { capacity: { ...c.capacity, [k]: num(e.target.value) } })} />
                </div>
              ))}
              <div className="field">
                <label htmlFor={`${id}-strategy`}>Strategy</label>
                <select id={`${id}-strategy`} value={strategy} onChange={(e) => set(i, { strategy: e.target.value })}>
                  <option value="redblack">Red/Black</option>
                  <option value="rollingredblack">Rolling Red/Black</option>
                  <option value="highlander">Highlander</option>
                  <option value="">None</option>
                </select>
              </div>
            </div>
            {(strategy === 'redblack' || strategy === 'rollingredblack') && (
              <div className="grid2">
                <div className="field">
                  <label htmlFor={`${id}-keep`}>Server groups to keep (maxRemainingAsgs)</label>
                  <input id={`${id}-keep`} type="number" min={1} value={typeof c['maxRemainingAsgs'] === 'number' ? c['maxRemainingAsgs'] : ''} onChange={(e) => set(i, { maxRemainingAsgs: num(e.target.value) })} />
                </div>
                <div className="field">
                  <label htmlFor={`${id}-delay`}>Wait before disabling old (seconds)</label>
                  <input id={`${id}-delay`} type="number" min={0} value={typeof c['delayBeforeDisableSec'] === 'number' ? c['delayBeforeDisableSec'] : ''} onChange={(e) => set(i, { delayBeforeDisableSec: num(e.target.value) })} />
                </div>
                <div className="field">
                  <label htmlFor={`${id}-healthy`}>Healthy percent before disabling old</label>
                  <input id={`${id}-healthy`} type="number" min={1} max={100} value={typeof c['targetHealthyDeployPercentage'] === 'number' ? c['targetHealthyDeployPercentage'] : ''} onChange={(e) => set(i, { targetHealthyDeployPercentage: num(e.target.value) })} />
                </div>
                <div className="field check">
                  <input id={`${id}-scaledown`} type="checkbox" checked={c['scaleDown'] === true} onChange={(e) => set(i, { scaleDown: e.target.checked })} />
                  <label htmlFor={`${id}-scaledown`}>Scale down the replaced server group</label>
                </div>
                <div className="field check">
                  <input id={`${id}-rollback`} type="checkbox" checked={c.rollback?.onFailure === true} onChange={(e) => set(i, { rollback: { ...c.rollback, onFailure: e.target.checked } })} />
                  <label htmlFor={`${id}-rollback`}>Roll back on failure</label>
                </div>
                {strategy === 'rollingredblack' && (
                  <div className="field">
                    <label htmlFor={`${id}-steps`}>Target percentages</label>
                    <input
                      id={`${id}-steps`}
                      placeholder="25, 50, 100"
                      value={Array.isArray(c['targetPercentages']) ? (c['targetPercentages'] as number[]).join(', ') : ''}
                      onChange={(e) => set(i, { targetPercentages: e.target.value.split(',').map((s) => Number(s.trim())).filter((n) => Number.isFinite(n) && n > 0) })}
                    />
                  </div>
                )}
              </div>
            )}
            <SchemaField
              name={`c${i}-other`}
              label="Other cluster settings (JSON)"
              idPrefix={idp}
              schema={{ description: 'Load balancers, image, environment, health check path, instance type...' }}
              value={otherKeys(c)}
              onChange={(v) => {
                const cleared = Object.fromEntries(Object.keys(otherKeys(c) ?? {}).map((k) => [k, undefined]));
                const next = { ...c, ...cleared, ...((v ?? {}) as Cluster) };
                for (const [k, val] of Object.entries(next)) if (val === undefined) delete next[k];
                onChange({ clusters: clusters.map((x, j) => (j === i ? next : x)) });
              }}
            />
            <button type="button" className="danger small" onClick={() => onChange({ clusters: clusters.filter((_, j) => j !== i) })}>
              Remove cluster
            </button>
          </div>
        );
      })}
      <button type="button" onClick={() => {
          const a = accounts.data?.[0];
          onChange({ clusters: [...clusters, { account: a?.name ?? '', ...(a ? { cloudProvider: a.provider } : {}), availabilityZones: a?.regions[0] ? { [a.regions[0]]: [] } : {}, strategy: 'redblack', capacity: { min: 1, max: 1, desired: 1 } }] });
        }}>
        Add cluster
      </button>
    </fieldset>
  );
}

/** Aliases and keys few set (Spinnaker compatibility): folded away in the generated forms. */
const ADVANCED = ['account', 'region', 'cloudProviderType', 'moniker', 'interestingHealthProviderNames', 'namespaces', 'asgName', 'provider'];

const TARGETS: Array<[string, string]> = [
  ['current_asg_dynamic', 'the newest server group'],
  ['ancestor_asg_dynamic', 'the one before the newest'],
  ['oldest_asg_dynamic', 'the oldest server group'],
  ['largest_asg_dynamic', 'the largest server group'],
];

/** Where a cluster stage acts: account, regions, cluster, and which server group of it. */
function ClusterTargetForm({ stage, onChange, idp, schema }: TunedProps) {
  const accounts = useAccounts();
  const props = (schema['properties'] as Record<string, unknown> | undefined) ?? {};
  const accountName = str(stage['credentials'] ?? stage['account']);
  const account = accounts.data?.find((a) => a.name === accountName);
  const regions = Array.isArray(stage['regions']) ? (stage['regions'] as string[]) : typeof stage['region'] === 'string' ? [stage['region']] : [];
  const byName = typeof stage['serverGroupName'] === 'string';
  return (
    <>
      <div className="grid2">
        <div className="field">
          <label htmlFor={`${idp}-credentials`}>Account</label>
          {accounts.data ? (
            <select
              id={`${idp}-credentials`}
              value={accountName}
              onChange={(e) => onChange({ credentials: e.target.value || undefined, account: undefined, cloudProvider: accounts.data?.find((a) => a.name === e.target.value)?.provider })}
            >
              <option value="">(choose)</option>
              {accounts.data.map((a) => (
                <option key={a.name} value={a.name}>
                  {a.name} ({a.provider})
                </option>
              ))}
            </select>
          ) : (
            <input id={`${idp}-credentials`} value={accountName} onChange={(e) => onChange({ credentials: e.target.value || undefined })} />
          )}
        </div>
        <div className="field">
          <label htmlFor={`${idp}-cluster`}>Cluster</label>
          <input id={`${idp}-cluster`} className="mono" placeholder="app-stack-detail" value={str(stage['cluster'])} onChange={(e) => onChange({ cluster: e.target.value || undefined })} />
        </div>
      </div>
      <fieldset className="inline-group">
        <legend>Regions</legend>
        {(account?.regions ?? regions).map((r) => (
          <label key={r} className="check">
            <input
              type="checkbox"
              checked={regions.includes(r)}
              onChange={(e) => onChange({ regions: e.target.checked ? [...regions, r] : regions.filter((x) => x !== r), region: undefined })}
            />
            {r}
          </label>
        ))}
        {!account && regions.length === 0 && <span className="muted small">Choose an account first.</span>}
      </fieldset>
      {(props['target'] || props['serverGroupName']) && (
        <div className="grid2">
          <div className="field">
            <label htmlFor={`${idp}-target`}>Server group</label>
            <select
              id={`${idp}-target`}
              value={byName ? '@name' : str(stage['target']) || (props['target'] ? 'current_asg_dynamic' : '@name')}
              onChange={(e) => onChange(e.target.value === '@name' ? { target: undefined, serverGroupName: str(stage['serverGroupName']) } : { target: e.target.value, serverGroupName: undefined })}
            >
              {props['target'] ? TARGETS.map(([v, l]) => <option key={v} value={v}>{l}</option>) : null}
              {props['serverGroupName'] ? <option value="@name">by name</option> : null}
            </select>
          </div>
          {byName && (
            <div className="field">
              <label htmlFor={`${idp}-sgname`}>Server group name</label>
              <input id={`${idp}-sgname`} className="mono" placeholder="app-stack-v003" value={str(stage['serverGroupName'])} onChange={(e) => onChange({ serverGroupName: e.target.value })} />
            </div>
          )}
        </div>
      )}
    </>
  );
}

const CLUSTER_TARGET = { keys: ['credentials', 'account', 'cloudProvider', 'regions', 'region', 'cluster', 'target', 'serverGroupName'], Form: ClusterTargetForm };

const TUNED: Record<string, { keys: string[]; Form: (p: TunedProps) => React.ReactNode }> = {
  wait: { keys: ['waitTime'], Form: WaitForm },
  manualJudgment: { keys: ['instructions', 'judgmentInputs'], Form: ManualJudgmentForm },
  webhook: { keys: ['url', 'method', 'payload'], Form: WebhookForm },
  deploy: { keys: ['clusters'], Form: DeployForm },
};

/** A new stage's starting context: the schema's defaults and required keys. */
export function defaultContext(stageType: StageType | undefined): Record<string, unknown> {
  const schema = (stageType?.contextSchema ?? {}) as { properties?: Record<string, { default?: unknown }> };
  const out: Record<string, unknown> = {};
  for (const [k, p] of Object.entries(schema.properties ?? {})) if (p && p.default !== undefined) out[k] = p.default;
  if (stageType?.type === 'deploy' && out['clusters'] === undefined) out['clusters'] = [];
  return out;
}
