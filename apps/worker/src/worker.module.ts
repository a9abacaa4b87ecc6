import { NotificationsModule } from '@gennaker/notifications';
import { ObservabilityModule } from '@gennaker/observability';
import { platformModules } from '@gennaker/platform';
import { Module } from '@nestjs/common';

/** The engine: queue processors, task runners, housekeeping. Add processes to scale out. */
@Module({ imports: [...(platformModules({ worker: true }) ?? []), ObservabilityModule.forRoot({ role: 'worker' }), NotificationsModule.forRoot({ worker: true })] })
export class WorkerModule {}
