import { Coalescer, isPlainObject } from '@gennaker/common';
import { PipelineConfigEntity, preparedQuery } from '@gennaker/persistence';
import type { TriggerConfig } from '@gennaker/pipeline';
import { DATA_SOURCE } from '@gennaker/runtime';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { SecretBox } from './secret-box.service';
import { TRIGGER_SETTINGS, type TriggerSettings } from './settings';

export interface RepoApplication {
  name: string;
  repo: { url: string; branch: string; path: string };
}

export interface IndexedTrigger {
  row: PipelineConfigEntity;
  index: number;
  trigger: TriggerConfig;
  /** The decrypted secret of a git trigger; null when it has none. */
  secret: string | null;
}

const TYPES = ['git', 'pipeline', 'cron'];

/**
 * Every git, pipeline and cron trigger of every pipeline, kept in memory and re-read only when the
 * pipelines changed (a one-row fingerprint query per use), so a webhook burst does not load every
 * pipeline per request and a change made by another api process is seen at once.
 */
@Injectable()
export class TriggerIndex {
  private fingerprint = '';
  private entries: IndexedTrigger[] = [];
  private loading: Promise<IndexedTrigger[]> | null = null;
  private checkedAt = 0;
  /** Applications with a pipelines repository, as of the last check (read with the fingerprint). */
  repoApplications: RepoApplication[] = [];

  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(SecretBox) private readonly secrets: SecretBox,
    @Inject(TRIGGER_SETTINGS) private readonly settings: TriggerSettings,
  ) {}

  /** Forget the last read (a pipeline was saved through this process). */
  invalidate(): void {
    this.checkedAt = 0;
  }

  /** One round trip: the pipelines' fingerprint and the applications that have a pipelines repository. */
  async current(options: { fresh?: boolean } = {}): Promise<IndexedTrigger[]> {
    // Within the TTL the last read stands (webhooks): saves through this process invalidate it at
    // once, other processes' changes are seen within GENNAKER_TRIGGER_INDEX_TTL_MS. `fresh` always
    // checks, with a read that starts after it asked (many finishing runs share one).
    if (options.fresh) return this.freshChecks.submit(undefined);
    if (this.fingerprint !== '' && Date.now() - this.checkedAt < this.settings.indexTtlMs) return this.entries;
    const f = await this.readFingerprint();
    if (f === this.fingerprint) return this.entries;
    this.loading ??= this.load(f).finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  private readonly freshChecks = new Coalescer<void, IndexedTrigger[]>(async () => {
    const f = await this.readFingerprint();
    return f === this.fingerprint ? this.entries : this.load(f);
  });

  private async readFingerprint(): Promise<string> {
    this.checkedAt = Date.now();
    const rows = (await preparedQuery(
      this.ds.manager,
      `SELECT (SELECT count(*)::text || ':' || coalesce(sum(version), 0)::text || ':' || coalesce(max(extract(epoch FROM updated_at)), 0)::text FROM pipeline_configs) AS f,
              (SELECT coalesce(json_agg(json_build_object('name', name, 'repo', pipelines_repo)), '[]'::json) FROM applications WHERE pipelines_repo IS NOT NULL) AS repos`,
      [],
    )) as Array<{ f: string; repos: RepoApplication[] }>;
    this.repoApplications = rows[0]?.repos ?? [];
    return rows[0]?.f ?? '';
  }

  async ofType(type: 'git' | 'pipeline' | 'cron', options: { fresh?: boolean } = {}): Promise<IndexedTrigger[]> {
    return (await this.current(options)).filter((e) => e.trigger.type === type);
  }

  private async load(f: string): Promise<IndexedTrigger[]> {
    const q = this.ds.manager.createQueryBuilder(PipelineConfigEntity, 'p');
    TYPES.forEach((t, i) => q.orWhere(`p.config->'triggers' @> :t${i}::jsonb`, { [`t${i}`]: JSON.stringify([{ type: t }]) }));
    const rows = await q.orderBy('p.application').addOrderBy('p.name').getMany();
    const entries: IndexedTrigger[] = [];
    for (const row of rows) {
      const triggers = row.config['triggers'];
      if (!Array.isArray(triggers)) continue;
      triggers.forEach((t, index) => {
        if (!isPlainObject(t) || typeof t['type'] !== 'string' || !TYPES.includes(t['type'])) return;
        const trigger = t as TriggerConfig;
        entries.push({ row, index, trigger, secret: trigger.type === 'git' ? this.secrets.reveal(trigger['secret']) : null });
      });
    }
    this.entries = entries;
    this.fingerprint = f;
    return entries;
  }
}
