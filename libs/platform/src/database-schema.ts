import { AUTH_ENTITIES, AuthTables1764180000000 } from '@gennaker/auth-store';
import { CANARY_ENTITIES, CanaryTables1764190000000 } from '@gennaker/canary-runtime';
import { CLOUD_ENTITIES, ClusterLocks1764171100000, LocalProvider1764171000000, LocalRouting1764171200000 } from '@gennaker/cloud-local';
import { CORE_ENTITIES, CORE_MIGRATIONS, type SchemaClass } from '@gennaker/persistence';
import { TriggerDeliveryEntity, TriggerStartEntity, TriggerTables1764150000000 } from '@gennaker/trigger-store';

/**
 * Every table of a Gennaker process: the engine's own (libs/persistence) and each feature lib's.
 * A feature lib that adds tables registers its entities and migrations here.
 */
export const SCHEMA_ENTITIES: SchemaClass[] = [
  ...CORE_ENTITIES,
  TriggerDeliveryEntity,
  TriggerStartEntity,
  ...CLOUD_ENTITIES,
  ...AUTH_ENTITIES,
  ...CANARY_ENTITIES,
];

/** Every migration (TypeORM runs them in timestamp order). */
export const SCHEMA_MIGRATIONS: SchemaClass[] = [
  ...CORE_MIGRATIONS,
  TriggerTables1764150000000,
  LocalProvider1764171000000,
  ClusterLocks1764171100000,
  LocalRouting1764171200000,
  AuthTables1764180000000,
  CanaryTables1764190000000,
];
