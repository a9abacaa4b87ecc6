import { AuditRepository, type AuditEvent, type NewAuditEvent } from '@gennaker/auth-store';
import { errorMessage, InputError } from '@gennaker/common';
import { DATA_SOURCE } from '@gennaker/runtime';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { redactForApi } from './known-secrets';

/** The audit log: who created, changed or deleted what, started, canceled or judged which execution. */
@Injectable()
export class AuditService {
  private readonly log = new Logger('audit');
  private readonly repo: AuditRepository;

  constructor(@Inject(DATA_SOURCE) ds: DataSource) {
    this.repo = new AuditRepository(ds);
  }

  /** Records an event (inside `manager`'s transaction when given). Details never keep secrets. */
  async record(event: NewAuditEvent, manager?: EntityManager): Promise<void> {
    await this.repo.insert({ ...event, details: redactForApi(event.details) }, manager);
  }

  /** An event as rows to store in the statement of the change it records (details without secrets). */
  rows(event: NewAuditEvent): ReturnType<typeof AuditRepository.rows> {
    return AuditRepository.rows({ ...event, details: redactForApi(event.details) });
  }

  /** For actions already done: a failed write is logged, not thrown (the action stands either way). */
  recordDone(event: NewAuditEvent): Promise<void> {
    return this.record(event).catch((err: unknown) => this.log.error(`could not record ${event.action} by ${event.actor}: ${errorMessage(err)}`));
  }

  async query(filter: { actor?: string; action?: string; application?: string; applications: string[] | null; limit: number; cursor: string | null }): Promise<{ items: AuditEvent[]; nextCursor: string | null }> {
    if (filter.cursor !== null && !/^[0-9]{1,19}$/.test(filter.cursor)) throw new InputError('cursor is not one this API gave out', [{ pointer: '/cursor', message: 'invalid cursor' }]);
    const rows = await this.repo.query({ ...filter, before: filter.cursor });
    const items = rows.slice(0, filter.limit);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > filter.limit && last ? last.id : null };
  }
}
