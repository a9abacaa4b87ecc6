export const NOTIFICATION_SETTINGS = Symbol('NOTIFICATION_SETTINGS');
/** The BullMQ queue of notifications (one job per notification, job id = its key). */
export const NOTIFICATIONS_QUEUE = 'notifications';
