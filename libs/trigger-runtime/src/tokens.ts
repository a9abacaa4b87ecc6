/** The delivery log repository (a plain class over the DataSource). */
export const TRIGGER_DELIVERIES = Symbol('TRIGGER_DELIVERIES');
