import { randomUUID } from 'node:crypto';
import { ConflictError, InputError, isPlainObject, NotFoundError } from '@gennaker/common';
import type { MetricSourceRegistry } from '@gennaker/metrics';
import { Inject, Injectable } from '@nestjs/common';
import type { CanaryConfigRepository } from '../store/canary-config.repository';
import type { StoredCanaryConfig } from '../store/canary-store.port';
import { CANARY_CONFIG_REPOSITORY, METRIC_SOURCES } from '../tokens';

/** Kayenta's config metadata: written by the server, dropped from what a client sends. */
const METADATA = ['createdTimestamp', 'updatedTimestamp', 'createdTimestampIso', 'updatedTimestampIso', 'updatedBy'];
const ID = /^[A-Za-z0-9._-]{1,128}$/;

export type CanaryConfigView = Record<string, unknown> & { id: string; name: string };

export function toCanaryConfigView(s: StoredCanaryConfig): CanaryConfigView {
  return {
    ...s.config,
    id: s.id,
    name: s.name,
    applications: s.applications,
    createdTimestamp: s.createdAt.getTime(),
    updatedTimestamp: s.updatedAt.getTime(),
    createdTimestampIso: s.createdAt.toISOString(),
    updatedTimestampIso: s.updatedAt.toISOString(),
    updatedBy: s.updatedBy,
  };
}

/** Canary configs in Kayenta's shape, validated against the metric sources this install has. */
@Injectable()
export class CanaryConfigService {
  constructor(
    @Inject(CANARY_CONFIG_REPOSITORY) private readonly configs: CanaryConfigRepository,
    @Inject(METRIC_SOURCES) private readonly sources: MetricSourceRegistry,
  ) {}

  /** 400 with every problem and its pointer (weights, thresholds, metrics, sources, queries). */
  validate(input: unknown): Record<string, unknown> {
    if (!isPlainObject(input)) throw new InputError('a canary config must be a JSON object', [{ pointer: '', message: 'must be an object' }]);
    const body: Record<string, unknown> = { ...input };
    for (const key of METADATA) delete body[key];
    const id = body['id'];
    const errors = [...this.sources.validateConfig(body).errors];
    if (id !== undefined && (typeof id !== 'string' || !ID.test(id))) errors.push({ pointer: '/id', message: 'id must be 1-128 letters, digits, ".", "_" or "-"' });
    if (errors.length > 0) throw new InputError(`invalid canary config: ${errors.map((e) => `${e.pointer || '/'} ${e.message}`).join('; ')}`, errors);
    return body;
  }

  /** Creates or replaces (by id, else by name). A name held by another config is a conflict. */
  async save(input: unknown, options: { user?: string | null } = {}): Promise<{ config: CanaryConfigView; created: boolean }> {
    const body = this.validate(input);
    const name = body['name'] as string;
    const byName = await this.configs.byName(name);
    const givenId = typeof body['id'] === 'string' ? body['id'] : null;
    if (givenId !== null && byName && byName.id !== givenId) {
      throw new ConflictError(`the canary config name ${JSON.stringify(name)} is taken by config ${byName.id}`, [{ pointer: '/name', message: `taken by config ${byName.id}` }]);
    }
    const id = givenId ?? byName?.id ?? randomUUID();
    const { id: _id, ...config } = body;
    const applications = Array.isArray(body['applications']) ? body['applications'].filter((a): a is string => typeof a === 'string') : [];
    try {
      const { stored, created } = await this.configs.save({ id, name, applications, config, updatedBy: options.user ?? null });
      return { config: toCanaryConfigView(stored), created };
    } catch (err) {
      // Two requests racing for one name: the unique index decides.
      if ((err as { code?: string }).code === '23505') throw new ConflictError(`the canary config name ${JSON.stringify(name)} is taken`, [{ pointer: '/name', message: 'taken' }]);
      throw err;
    }
  }

  async get(id: string): Promise<CanaryConfigView> {
    const s = await this.configs.byId(id);
    if (!s) throw new NotFoundError(`canary config ${id} not found`);
    return toCanaryConfigView(s);
  }

  /** By name; the cursor is opaque (the last name of the page). */
  async list(filter: { application?: string; limit: number; cursor?: string | null }): Promise<{ items: CanaryConfigView[]; nextCursor: string | null }> {
    let after: string | null = null;
    if (filter.cursor) {
      after = Buffer.from(filter.cursor, 'base64url').toString('utf8');
      if (after === '' || Buffer.from(after, 'utf8').toString('base64url') !== filter.cursor) throw new InputError('cursor is not one this API gave out', [{ pointer: '/cursor', message: 'invalid cursor' }]);
    }
    const page = await this.configs.list({ ...(filter.application ? { application: filter.application } : {}), limit: filter.limit, cursor: after });
    return { items: page.items.map(toCanaryConfigView), nextCursor: page.nextCursor === null ? null : Buffer.from(page.nextCursor, 'utf8').toString('base64url') };
  }
}
