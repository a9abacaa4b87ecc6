import { GennakerError, InputError, errorMessage } from '@gennaker/common';
import { randomUUID } from 'node:crypto';
import { DATA_SOURCE, ExecutionService, OutboxDispatcher, type PreparedStart } from '@gennaker/runtime';
import type { DeliverySkip, DeliveryStart, DeliverySync, NewDelivery } from '@gennaker/trigger-store';
import type { StoredOutboxMessage } from '@gennaker/persistence';
import { isReplayConflict, TriggerDeliveryRepository } from '@gennaker/trigger-store';
import {
  bindArtifacts,
  deliveryIdOf,
  gitArtifacts,
  gitTriggerFields,
  hasSecret,
  isIgnored,
  matchGitTrigger,
  parseDelivery,
  sameRepo,
  verifiedSecrets,
  type GitEvent,
  type GitSource,
  type TriggerAuth,
} from '@gennaker/triggers';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { RepoSyncQueue } from './repo-sync-queue.service';
import { TRIGGER_DELIVERIES } from './tokens';
import { TRIGGER_SETTINGS, type TriggerSettings } from './settings';
import { TriggerIndex, type IndexedTrigger, type RepoApplication } from './trigger-index.service';
import { DeliveryBatcher } from './delivery-batcher.service';
import { TxLimiter } from './tx-limiter.service';
import type { DataSource, EntityManager } from 'typeorm';

type Headers = Record<string, string | string[] | undefined>;

/** What one delivery of a batch will write: its row (with what it started and skipped) and its executions. */
interface DeliveryPlan {
  delivery: NewDelivery & { id: string };
  starts: PreparedStart[];
  syncs: DeliverySync[];
}

/** A delivery recorded, with the start messages of its executions (null: a replay, nothing recorded). */
interface DeliveryRecorded {
  rowId: string;
  started: DeliveryStart[];
  messages: StoredOutboxMessage[];
  syncs: DeliverySync[];
}

export interface WebhookAnswer {
  deliveryId: string;
  executions: string[];
  /** The same delivery id was accepted before: nothing new was started. */
  replayed?: boolean;
  /** Why nothing was considered (an event that starts no pipeline). */
  message?: string;
}

const UNAUTHORIZED = (message: string) => new GennakerError('UNAUTHORIZED', message);

/**
 * A webhook delivery, from raw bytes to recorded executions: authenticate the bytes against the
 * secrets of the host's git triggers, parse, match every git trigger (keeping the reason of each that
 * did not fire), then record the delivery and the executions it starts in one transaction. The
 * answer (202) goes out after that commit and before any execution runs; the start messages are
 * queued right after commit.
 */
@Injectable()
export class WebhookService {
  private readonly log = new Logger(WebhookService.name);
  private readonly batcher: DeliveryBatcher<DeliveryPlan, DeliveryRecorded | null>;
  private readonly lastSecret = new Map<GitSource, string>();

  constructor(
    @Inject(TRIGGER_DELIVERIES) private readonly deliveries: TriggerDeliveryRepository,
    @Inject(TriggerIndex) private readonly index: TriggerIndex,
    @Inject(ExecutionService) private readonly executions: ExecutionService,
    @Inject(OutboxDispatcher) private readonly dispatcher: OutboxDispatcher,
    @Inject(RepoSyncQueue) private readonly syncs: RepoSyncQueue,
    @Inject(TRIGGER_SETTINGS) private readonly settings: TriggerSettings,
    @Inject(DATA_SOURCE) ds: DataSource,
    @Inject(TxLimiter) limiter: TxLimiter,
  ) {
    this.batcher = new DeliveryBatcher(
      ds,
      limiter,
      (m, plans) => this.store(m, plans),
      (plans) => this.storeAtOnce(ds.manager, plans),
    );
  }

  async receive(source: GitSource, headers: Headers, raw: Buffer): Promise<WebhookAnswer> {
    const deliveryId = deliveryIdOf(source, headers, raw);
    const all = await this.index.ofType('git');
    const ofSource = all.filter((e) => String(e.trigger['source'] ?? '').toLowerCase() === source);
    const known = [...ofSource.map((e) => e.secret).filter((s): s is string => s !== null), ...(this.settings.webhookSecret ? [this.settings.webhookSecret] : [])];
    // The secret that verified this host's last delivery is tried first: busy repositories send in runs.
    const last = this.lastSecret.get(source);
    const secrets = [...new Set(last !== undefined && known.includes(last) ? [last, ...known] : known)];
    const checked = await verifiedSecrets(source, headers, raw, secrets);
    for (const s of checked.secrets) this.lastSecret.set(source, s);
    // Signed with a secret this install does not know, while it knows none for this host: nothing
    // can be checked, so it counts as unsigned (only triggers without a secret may fire).
    const sig = checked.result === 'invalid' && secrets.length === 0 ? { ...checked, result: 'missing' as const } : checked;
    if (sig.result === 'invalid') {
      await this.refuse(source, deliveryId, 'invalid', 'signature invalid: it matches the secret of no git trigger for this host');
      throw UNAUTHORIZED('signature invalid: it matches the secret of no git trigger for this host');
    }

    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch (err) {
      throw new InputError(`the body is not valid JSON: ${errorMessage(err)}`, [{ pointer: '', message: 'not valid JSON' }]);
    }
    const parsed = parseDelivery(source, headers, body);
    const signature = sig.result === 'valid' ? 'valid' : secrets.length === 0 ? 'not-required' : 'missing';
    if (isIgnored(parsed)) {
      return this.record(source, deliveryId, signature, { event: parsed.hostEvent, message: parsed.reason });
    }

    const event = parsed;
    const authOf = (e: IndexedTrigger): TriggerAuth => {
      if (!hasSecret(e.trigger)) return 'no-secret';
      if (e.secret !== null && sig.secrets.has(e.secret)) return 'verified';
      return sig.result === 'missing' ? 'missing' : 'invalid';
    };
    const fire: IndexedTrigger[] = [];
    const skipped: DeliverySkip[] = [];
    const firedPipelines = new Set<string>();
    for (const e of all) {
      const outcome = matchGitTrigger(e.trigger, event, authOf(e));
      const who = { pipelineId: e.row.id, application: e.row.application, pipeline: e.row.name, triggerIndex: e.index };
      if (!outcome.fired) skipped.push({ ...who, reason: outcome.reason });
      else if (e.row.disabled || e.row.config['disabled'] === true) skipped.push({ ...who, reason: 'pipeline disabled' });
      // Two triggers of one pipeline matching one delivery start it once.
      else if (firedPipelines.has(e.row.id)) skipped.push({ ...who, reason: 'another trigger of this pipeline already fired for this delivery' });
      else {
        firedPipelines.add(e.row.id);
        fire.push(e);
      }
    }

    // A repository's triggers all need a secret and the delivery was not signed: refuse it.
    // (Looked up only for an unsigned delivery that fired nothing: signed ones are the busy path.)
    const syncTargets = this.syncTargets(event, sig.result === 'valid' && this.settings.webhookSecret !== null && sig.secrets.has(this.settings.webhookSecret));
    const ofRepo =
      sig.result === 'missing' && fire.length === 0 && syncTargets.length === 0
        ? ofSource.filter((e) => matchGitTrigger({ ...e.trigger, enabled: true, branch: undefined, events: ['push', 'tag', event.event] }, event, 'no-secret').fired)
        : [];
    if (ofRepo.length > 0 && ofRepo.every((e) => hasSecret(e.trigger))) {
      await this.refuse(source, deliveryId, 'missing', `signature missing: the triggers of ${event.project}/${event.slug} have secrets`, event);
      throw UNAUTHORIZED(`signature missing: the triggers of ${event.project}/${event.slug} have secrets`);
    }
    return this.record(source, deliveryId, signature, { event: event.event, git: event, body, fire, skipped, syncTargets });
  }

  /**
   * Writes a batch's plans in two statements: the deliveries (a replayed delivery id is not
   * recorded again), then the executions of those recorded. Each answer carries its start messages.
   */
  private async store(m: EntityManager, plans: DeliveryPlan[]): Promise<Array<DeliveryRecorded | null>> {
    const recorded = await this.deliveries.insertAcceptedMany(m, plans.map((p) => p.delivery));
    const kept = plans.filter((p) => recorded.has(p.delivery.id));
    const messages = await this.executions.storeStartsIn(m, kept.flatMap((p) => p.starts));
    return plans.map((p) => (recorded.has(p.delivery.id) ? this.recorded(p, messages) : null));
  }

  /**
   * Writes a batch's plans in one statement, atomic on its own: the deliveries and the executions
   * they start together. A delivery id accepted before fails the statement (nothing is written)
   * and the answer is null: store then records the batch in a transaction that skips replays.
   */
  private async storeAtOnce(m: EntityManager, plans: DeliveryPlan[]): Promise<Array<DeliveryRecorded | null> | null> {
    let messages: StoredOutboxMessage[];
    try {
      messages = await this.executions.storeStartsIn(m, plans.flatMap((p) => p.starts), [this.deliveries.acceptedRows(plans.map((p) => p.delivery))]);
    } catch (err) {
      if (isReplayConflict(err)) return null;
      throw err;
    }
    return plans.map((p) => this.recorded(p, messages));
  }

  private recorded(p: DeliveryPlan, messages: StoredOutboxMessage[]): DeliveryRecorded {
    const mine = new Set(p.starts.map((s) => s.execution.id));
    return { rowId: p.delivery.id, started: p.delivery.started, messages: messages.filter((msg) => msg.executionId !== null && mine.has(msg.executionId)), syncs: p.syncs };
  }

  /** Applications whose pipelines repository and branch this push is about (as of the index's last read). */
  private syncTargets(event: GitEvent, signedByInstall: boolean): RepoApplication[] {
    if (event.event !== 'push' || event.deleted || event.branch === null) return [];
    // The sync fetches from the configured URL and trusts nothing in the payload, so an unsigned
    // push may ask for one; with GENNAKER_WEBHOOK_SECRET set it must be signed with it.
    if (this.settings.webhookSecret !== null && !signedByInstall) return [];
    return this.index.repoApplications.filter((a) => a.repo.branch === event.branch && event.repositoryUrls.some((u) => sameRepo(u, a.repo.url)));
  }

  private async refuse(source: GitSource, deliveryId: string, signature: string, message: string, event?: GitEvent): Promise<void> {
    await this.deliveries
      .insertRefused({
        provider: source,
        deliveryId,
        accepted: false,
        signature,
        event: event?.event ?? null,
        repository: event ? `${event.project}/${event.slug}` : null,
        branch: event?.branch ?? null,
        hash: event?.hash ?? null,
        applications: [],
        started: [],
        skipped: [],
        sync: null,
        message,
      })
      .catch((err: unknown) => this.log.warn(`could not log a refused delivery: ${errorMessage(err)}`));
  }

  private async record(
    source: GitSource,
    deliveryId: string,
    signature: string,
    r: { event: string; message?: string; git?: GitEvent; body?: unknown; fire?: IndexedTrigger[]; skipped?: DeliverySkip[]; syncTargets?: RepoApplication[] },
  ): Promise<WebhookAnswer> {
    const git = r.git;
    const committed = await this.batcher.submit(async (m): Promise<DeliveryPlan> => {
      const syncs: DeliverySync[] = (r.syncTargets ?? []).map((a) => ({ application: a.name, url: a.repo.url, branch: a.repo.branch, path: a.repo.path, status: 'pending' as const }));
      const started: DeliveryStart[] = [];
      const starts: PreparedStart[] = [];
      const skipped = [...(r.skipped ?? [])];
      for (const e of r.fire ?? []) {
        if (!git) break; // triggers fire only for a git event
        const who = { pipelineId: e.row.id, application: e.row.application, pipeline: e.row.name, triggerIndex: e.index };
        const ids = Array.isArray(e.trigger['expectedArtifactIds']) ? (e.trigger['expectedArtifactIds'] as unknown[]).map(String) : [];
        const binding = bindArtifacts(e.row.config['expectedArtifacts'] as never, gitArtifacts(git), ids);
        if (binding.missing.length > 0) {
          skipped.push({ ...who, reason: `expected artifact ${binding.missing.join(', ')} matched nothing and has no default` });
          continue;
        }
        try {
          const start = await this.executions.prepareStartIn(m, e.row, {
            user: git.pusher ?? undefined,
            artifacts: binding.artifacts,
            trigger: { ...gitTriggerFields(git, r.body, deliveryId), resolvedExpectedArtifacts: binding.resolvedExpectedArtifacts, triggerIndex: e.index },
          });
          started.push({ ...who, executionId: start.execution.id });
          starts.push(start);
        } catch (err) {
          // Bad parameters, a disabled pipeline or a refused start are decided before anything is written.
          if (!(err instanceof GennakerError) || err.retryable) throw err;
          skipped.push({ ...who, reason: err.message });
        }
      }
      const applications = [...new Set([...started.map((s) => s.application), ...skipped.map((s) => s.application), ...syncs.map((s) => s.application)])];
      const delivery: DeliveryPlan['delivery'] = {
        id: randomUUID(),
        provider: source,
        deliveryId,
        accepted: true,
        signature,
        event: r.event,
        repository: git ? `${git.project}/${git.slug}` : null,
        branch: git?.branch ?? null,
        hash: git?.hash ?? null,
        applications,
        started,
        skipped,
        sync: syncs[0] ?? null,
        message: r.message ?? null,
      };
      return { delivery, starts, syncs };
    });

    if (!committed) {
      const first = await this.deliveries.acceptedByDeliveryId(source, deliveryId);
      return { deliveryId, executions: (first?.started ?? []).map((s) => s.executionId), replayed: true };
    }
    // Queued without holding the answer: rows BullMQ cannot take now are marked for the relay, and
    // a crash right here leaves them to the repair sweep.
    void this.dispatcher.dispatch(committed.messages).catch((err: unknown) => this.log.warn(`start messages not queued yet: ${errorMessage(err)}`));
    for (const s of committed.syncs) await this.syncs.enqueue({ application: s.application, deliveryRowId: committed.rowId, hash: git?.hash ?? null });
    return { deliveryId, executions: committed.started.map((s) => s.executionId), ...(r.message ? { message: r.message } : {}) };
  }
}
