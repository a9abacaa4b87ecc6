import type { TriggerDeliveryEntity, TriggerDeliveryRepository } from '@gennaker/trigger-store';
import { Inject, Injectable } from '@nestjs/common';
import { NotFoundError } from '@gennaker/common';
import { TRIGGER_DELIVERIES } from './tokens';

export interface DeliveryView {
  id: string;
  provider: string;
  deliveryId: string;
  accepted: boolean;
  signature: string;
  event: string | null;
  repository: string | null;
  branch: string | null;
  hash: string | null;
  receivedAt: string;
  message: string | null;
  started: TriggerDeliveryEntity['started'];
  skipped: TriggerDeliveryEntity['skipped'];
  sync: TriggerDeliveryEntity['sync'];
}

/** The trigger debugger: what each delivery started and why every other git-triggered pipeline did not fire. */
@Injectable()
export class DeliveryLogService {
  constructor(@Inject(TRIGGER_DELIVERIES) private readonly deliveries: TriggerDeliveryRepository) {}

  async list(filter: { application?: string; provider?: string; limit: number; cursor: { time: number; id: string } | null }): Promise<{ items: DeliveryView[]; nextCursor: { time: number; id: string } | null }> {
    const page = await this.deliveries.list(filter);
    const items = page.items.map((d) => {
      const v = toDeliveryView(d);
      // Filtered by application: show that application's pipelines only.
      if (!filter.application) return v;
      return { ...v, started: v.started.filter((s) => s.application === filter.application), skipped: v.skipped.filter((s) => s.application === filter.application) };
    });
    return { items, nextCursor: page.nextCursor };
  }

  async get(id: string): Promise<DeliveryView> {
    const d = await this.deliveries.byId(id);
    if (!d) throw new NotFoundError(`trigger delivery ${id} not found`);
    return toDeliveryView(d);
  }
}

export function toDeliveryView(d: TriggerDeliveryEntity): DeliveryView {
  return {
    id: d.id,
    provider: d.provider,
    deliveryId: d.deliveryId,
    accepted: d.accepted,
    signature: d.signature,
    event: d.event,
    repository: d.repository,
    branch: d.branch,
    hash: d.hash,
    receivedAt: d.receivedAt.toISOString(),
    message: d.message,
    started: d.started,
    skipped: d.skipped,
    sync: d.sync,
  };
}
