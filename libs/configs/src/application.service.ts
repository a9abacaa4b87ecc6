import { ConflictError, InputError, isPlainObject, NotFoundError, type ErrorDetail } from '@gennaker/common';
import type { ApplicationEntity, ApplicationRepository } from '@gennaker/persistence';
import { Inject, Injectable } from '@nestjs/common';
import { APPLICATION_REPOSITORY } from '@gennaker/runtime';

export interface ApplicationView {
  name: string;
  email: string | null;
  description: string | null;
  permissions: Record<string, string[]> | null;
  pipelinesRepo: { url: string; branch: string; path: string } | null;
  createdAt: string;
  updatedAt: string;
}

/** Spinnaker application names: lower-case letters, digits, no dashes (dashes split Frigga names). */
export const APPLICATION_NAME = /^[a-z][a-z0-9]{0,62}$/;
const PERMISSION_KEYS = ['READ', 'WRITE', 'EXECUTE'];

export function toApplicationView(a: ApplicationEntity): ApplicationView {
  return {
    name: a.name,
    email: a.email,
    description: a.description,
    permissions: a.permissions,
    pipelinesRepo: a.pipelinesRepo,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}

@Injectable()
export class ApplicationService {
  constructor(@Inject(APPLICATION_REPOSITORY) private readonly apps: ApplicationRepository) {}

  async list(): Promise<ApplicationView[]> {
    return (await this.apps.list()).map(toApplicationView);
  }

  async get(name: string): Promise<ApplicationView> {
    const a = await this.apps.byName(name);
    if (!a) throw new NotFoundError(`application "${name}" not found`);
    return toApplicationView(a);
  }

  async exists(name: string): Promise<boolean> {
    return (await this.apps.byName(name)) !== null;
  }

  async create(body: unknown): Promise<ApplicationView> {
    const v = validateApplication(body, true);
    if (await this.apps.byName(v.name)) throw new ConflictError(`application "${v.name}" already exists`, [{ pointer: '/name', message: 'already exists' }]);
    return toApplicationView(await this.apps.insert({ ...v, attributes: {} }));
  }

  async update(name: string, body: unknown): Promise<ApplicationView> {
    const v = validateApplication({ ...(isPlainObject(body) ? body : {}), name }, false);
    if (isPlainObject(body) && body['name'] !== undefined && body['name'] !== name) {
      throw new InputError('an application cannot be renamed', [{ pointer: '/name', message: `must be "${name}"` }]);
    }
    const updated = await this.apps.update(name, {
      email: v.email,
      description: v.description,
      permissions: v.permissions,
      pipelinesRepo: v.pipelinesRepo,
    });
    if (!updated) throw new NotFoundError(`application "${name}" not found`);
    return toApplicationView(updated);
  }

  async delete(name: string): Promise<void> {
    if (!(await this.apps.delete(name))) throw new NotFoundError(`application "${name}" not found`);
  }
}

function validateApplication(
  body: unknown,
  creating: boolean,
): Pick<ApplicationEntity, 'name' | 'email' | 'description' | 'permissions' | 'pipelinesRepo'> {
  const errors: ErrorDetail[] = [];
  if (!isPlainObject(body)) throw new InputError('the body must be a JSON object', [{ pointer: '', message: 'must be an object' }]);
  const name = body['name'];
  if (typeof name !== 'string' || !APPLICATION_NAME.test(name)) {
    errors.push({ pointer: '/name', message: 'must be 1-63 lower-case letters and digits, starting with a letter (no dashes: they separate stack and detail in cluster names)' });
  }
  for (const k of ['email', 'description'] as const) {
    const v = body[k];
    if (v !== undefined && v !== null && (typeof v !== 'string' || v.length > 2000)) errors.push({ pointer: `/${k}`, message: 'must be a string of at most 2000 characters' });
  }
  if (typeof body['email'] === 'string' && body['email'] !== '' && !/^[^@\s]+@[^@\s]+$/.test(body['email'])) {
    errors.push({ pointer: '/email', message: 'must be an email address' });
  }
  const permissions = body['permissions'];
  if (permissions !== undefined && permissions !== null) {
    if (!isPlainObject(permissions)) errors.push({ pointer: '/permissions', message: 'must be an object {READ, WRITE, EXECUTE: [roles]}' });
    else {
      for (const [k, v] of Object.entries(permissions)) {
        if (!PERMISSION_KEYS.includes(k)) errors.push({ pointer: `/permissions/${k}`, message: `unknown permission; use ${PERMISSION_KEYS.join(', ')}` });
        else if (!Array.isArray(v) || v.some((r) => typeof r !== 'string' || r === '')) errors.push({ pointer: `/permissions/${k}`, message: 'must be a list of role names' });
      }
    }
  }
  const repo = body['pipelinesRepo'];
  if (repo !== undefined && repo !== null) {
    if (!isPlainObject(repo)) errors.push({ pointer: '/pipelinesRepo', message: 'must be an object {url, branch, path}' });
    else {
      if (typeof repo['url'] !== 'string' || repo['url'] === '') errors.push({ pointer: '/pipelinesRepo/url', message: 'required' });
      if (repo['branch'] !== undefined && (typeof repo['branch'] !== 'string' || repo['branch'] === '')) errors.push({ pointer: '/pipelinesRepo/branch', message: 'must be a branch name' });
      if (repo['path'] !== undefined && typeof repo['path'] !== 'string') errors.push({ pointer: '/pipelinesRepo/path', message: 'must be a path in the repository' });
    }
  }
  if (errors.length > 0) throw new InputError(creating ? 'invalid application' : 'invalid application update', errors);
  return {
    name: name as string,
    email: (body['email'] as string | undefined) ?? null,
    description: (body['description'] as string | undefined) ?? null,
    permissions: (permissions as Record<string, string[]> | undefined) ?? null,
    pipelinesRepo: isPlainObject(repo)
      ? { url: String(repo['url']), branch: typeof repo['branch'] === 'string' ? repo['branch'] : 'main', path: typeof repo['path'] === 'string' ? repo['path'] : '.gennaker/pipelines' }
      : null,
  };
}
