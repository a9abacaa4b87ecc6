import { BullModule } from '@nestjs/bullmq';
import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { NotificationDispatch } from './notification-dispatch.service';
import { NotificationSenders } from './notification-senders.service';
import { readNotificationSettings } from './notification-settings';
import { NotificationsProcessor } from './notifications.processor';
import { NOTIFICATION_SETTINGS, NOTIFICATIONS_QUEUE } from './tokens';

/**
 * Notifications in a Gennaker process: planning and queueing everywhere, delivery in workers.
 * Needs the RuntimeModule (engine hooks, the BullMQ connection).
 */
@Module({})
export class NotificationsModule {
  static forRoot(options: { worker: boolean }): DynamicModule {
    const providers: Provider[] = [{ provide: NOTIFICATION_SETTINGS, useFactory: () => readNotificationSettings() }, NotificationDispatch];
    if (options.worker) providers.push(NotificationSenders, NotificationsProcessor);
    return {
      module: NotificationsModule,
      imports: [BullModule.registerQueue({ name: NOTIFICATIONS_QUEUE })],
      providers,
      exports: [NotificationDispatch, BullModule],
    };
  }
}
