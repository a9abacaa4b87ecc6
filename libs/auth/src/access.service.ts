import {
  accountsOfStages,
  hasAccountPermission,
  hasApplicationPermission,
  type AccountPermission,
  type ApplicationPermission,
  type PermissionMap,
  type Principal,
} from '@gennaker/auth-policy';
import type { RawAccount } from '@gennaker/cloud';
import { CLOUD_ACCOUNTS } from '@gennaker/cloud-stages';
import { PipelineConfigRepository, preparedQuery, type PipelineConfigEntity } from '@gennaker/persistence';
import { DATA_SOURCE, PIPELINE_CONFIG_REPOSITORY } from '@gennaker/runtime';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { denied } from './errors';

/**
 * Reads what permissions are set on (applications from Postgres, accounts from the accounts file)
 * and applies the pure rules of @gennaker/auth-policy. No role sync, no cache of permissions: an
 * application's permissions count from the request after they changed.
 */
@Injectable()
export class AccessService {
  private readonly accounts: Map<string, PermissionMap>;

  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(PIPELINE_CONFIG_REPOSITORY) private readonly pipelines: PipelineConfigRepository,
    @Optional() @Inject(CLOUD_ACCOUNTS) accounts: RawAccount[] | null,
  ) {
    this.accounts = new Map((accounts ?? []).map((a) => [a.name, (a.permissions ?? null) as PermissionMap]));
  }

  /**
   * The permissions of an application; undefined when it does not exist. Within a transaction
   * (`manager`) the first read stands for the rest of it: a webhook batch starting many runs of
   * one application checks them all against the same read.
   */
  async applicationPermissions(name: string, manager?: EntityManager): Promise<PermissionMap | undefined> {
    const inTransaction = manager?.queryRunner !== undefined ? manager : undefined;
    const cached = inTransaction ? this.readInTransaction.get(inTransaction) : undefined;
    if (cached?.has(name)) return cached.get(name);
    const rows = (await preparedQuery(manager ?? this.ds.manager, `SELECT permissions FROM applications WHERE name = $1`, [name])) as Array<{ permissions: PermissionMap }>;
    const permissions = rows.length === 0 ? undefined : (rows[0]?.permissions ?? null);
    if (inTransaction) this.readInTransaction.set(inTransaction, (cached ?? new Map()).set(name, permissions));
    return permissions;
  }

  private readonly readInTransaction = new WeakMap<EntityManager, Map<string, PermissionMap | undefined>>();

  /**
   * A pipeline, whole (the route that starts it runs the very row its guard checked), with its
   * application's permissions read by the same statement (undefined: no such application).
   */
  async pipeline(id: string): Promise<{ pipeline: PipelineConfigEntity; permissions: PermissionMap | undefined } | null> {
    const found = await this.pipelines.byIdWithPermissions(id);
    return found ? { pipeline: found.pipeline, permissions: found.permissions as PermissionMap | undefined } : null;
  }

  async applicationOfExecution(id: string): Promise<string | null> {
    const rows = (await this.ds.query(`SELECT application FROM executions WHERE id::text = $1`, [id])) as Array<{ application: string }>;
    return rows[0]?.application ?? null;
  }

  /** `known`: the application's permissions as the caller just read them (see pipeline). */
  async mayOnApplication(principal: Principal, application: string, permission: ApplicationPermission, manager?: EntityManager, known?: { permissions: PermissionMap | undefined }): Promise<boolean> {
    if (principal.admin) return true;
    const p = known ? known.permissions : await this.applicationPermissions(application, manager);
    return p === undefined || hasApplicationPermission(principal, p, permission);
  }

  /** Throws 401/403 unless `principal` has `permission` on `application` (an unknown application passes: its route answers 404). */
  async requireApplication(principal: Principal, application: string, permission: ApplicationPermission, manager?: EntityManager, known?: { permissions: PermissionMap | undefined }): Promise<void> {
    if (!(await this.mayOnApplication(principal, application, permission, manager, known))) {
      throw denied(principal, `${principal.name} may not ${verb(permission)} application "${application}" (needs ${permission})`);
    }
  }

  /** Applications `principal` may read, or null for "all" (an admin). */
  async readableApplications(principal: Principal): Promise<string[] | null> {
    if (principal.admin) return null;
    const rows = (await this.ds.query(`SELECT name, permissions FROM applications`)) as Array<{ name: string; permissions: PermissionMap }>;
    return rows.filter((r) => hasApplicationPermission(principal, r.permissions, 'READ')).map((r) => r.name);
  }

  mayOnAccount(principal: Principal, account: string, permission: AccountPermission): boolean {
    // An account that is not configured has no permissions here; its stage fails on its own.
    return hasAccountPermission(principal, this.accounts.get(account), permission);
  }

  /** The first of `accounts` that `principal` may not use with `permission`, or null. */
  deniedAccount(principal: Principal, accounts: readonly string[], permission: AccountPermission): string | null {
    return accounts.find((a) => !this.mayOnAccount(principal, a, permission)) ?? null;
  }

  requireAccountsOfStages(principal: Principal, stages: unknown): void {
    const account = this.deniedAccount(principal, accountsOfStages(stages), 'WRITE');
    if (account !== null) throw denied(principal, `${principal.name} may not deploy to account "${account}" (needs WRITE on the account)`);
  }
}

function verb(p: ApplicationPermission): string {
  return p === 'READ' ? 'read' : p === 'WRITE' ? 'change' : 'run pipelines of';
}
