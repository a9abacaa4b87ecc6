import { NotificationsModule } from '@gennaker/notifications';
import { ObservabilityModule } from '@gennaker/observability';
import { platformModules } from '@gennaker/platform';
import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AccountsController } from './controllers/accounts.controller';
import { ApplicationsController } from './controllers/applications.controller';
import { AuditController } from './controllers/audit.controller';
import { AuthController } from './controllers/auth.controller';
import { CanaryController } from './controllers/canary.controller';
import { ClustersController } from './controllers/clusters.controller';
import { ExecutionsController } from './controllers/executions.controller';
import { HealthController } from './controllers/health.controller';
import { MeController } from './controllers/me.controller';
import { OpenApiController } from './controllers/openapi.controller';
import { PipelinesController } from './controllers/pipelines.controller';
import { QueueDashboardController } from './controllers/queue-dashboard.controller';
import { TasksController } from './controllers/tasks.controller';
import { TokensController } from './controllers/tokens.controller';
import { PipelinesSyncController } from './controllers/pipelines-sync.controller';
import { TriggerDeliveriesController } from './controllers/trigger-deliveries.controller';
import { WebhooksController } from './controllers/webhooks.controller';
import { AuthGuard } from './http/auth.guard';
import { ErrorFilter } from './http/error.filter';
import { SecurityInterceptor } from './security/security.interceptor';
import { SecurityModule } from './security/security.module';

@Module({
  imports: [...(platformModules({ worker: false }) ?? []), ObservabilityModule.forRoot({ role: 'api' }), NotificationsModule.forRoot({ worker: false }), SecurityModule],
  controllers: [HealthController, ApplicationsController, PipelinesController, ExecutionsController, TasksController, OpenApiController, WebhooksController, TriggerDeliveriesController, PipelinesSyncController, AccountsController, ClustersController, QueueDashboardController, TokensController, MeController, AuditController, AuthController, CanaryController],
  providers: [
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_FILTER, useClass: ErrorFilter },
    { provide: APP_INTERCEPTOR, useClass: SecurityInterceptor },
  ],
})
export class ApiModule {}
