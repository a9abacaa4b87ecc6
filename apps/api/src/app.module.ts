import { ObservabilityModule } from '@gennaker/observability';
import { platformModules } from '@gennaker/platform';
import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AccountsController } from './controllers/accounts.controller';
import { ApplicationsController } from './controllers/applications.controller';
import { ClustersController } from './controllers/clusters.controller';
import { ExecutionsController } from './controllers/executions.controller';
import { HealthController } from './controllers/health.controller';
import { OpenApiController } from './controllers/openapi.controller';
import { PipelinesController } from './controllers/pipelines.controller';
import { QueueDashboardController } from './controllers/queue-dashboard.controller';
import { TasksController } from './controllers/tasks.controller';
import { PipelinesSyncController } from './controllers/pipelines-sync.controller';
import { TriggerDeliveriesController } from './controllers/trigger-deliveries.controller';
import { WebhooksController } from './controllers/webhooks.controller';
import { AuthGuard } from './http/auth.guard';
import { ErrorFilter } from './http/error.filter';

@Module({
  imports: [...(platformModules({ worker: false }) ?? []), ObservabilityModule.forRoot({ role: 'api' })],
  controllers: [HealthController, ApplicationsController, PipelinesController, ExecutionsController, TasksController, OpenApiController, WebhooksController, TriggerDeliveriesController, PipelinesSyncController, AccountsController, ClustersController, QueueDashboardController],
  providers: [
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_FILTER, useClass: ErrorFilter },
  ],
})
export class ApiModule {}
