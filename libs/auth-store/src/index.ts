import { ApiTokenEntity } from './entities/api-token.entity';
import { AuditEventEntity } from './entities/audit-event.entity';

export * from './entities/api-token.entity';
export * from './entities/audit-event.entity';
export * from './migrations/1764180000000-auth-tables';
export * from './token.repository';
export * from './audit.repository';

/** The entities of this lib, for the data source. */
export const AUTH_ENTITIES = [ApiTokenEntity, AuditEventEntity];
