import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- Nest hands handlers over as Function
type Handler = Function;

function paths(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  return [typeof v === 'string' ? v : ''];
}

function join(...parts: string[]): string {
  const p = parts.map((s) => s.replace(/^\/+|\/+$/g, '')).filter((s) => s !== '').join('/');
  return `/${p}`;
}

/** `METHOD /path/:param` of a controller method, as the route-policy table names it. */
export function routeKeysOf(controller: object, handler: Handler): string[] {
  const methodNumber = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
  if (methodNumber === undefined) return [];
  const method = RequestMethod[methodNumber] ?? 'GET';
  const base = paths(Reflect.getMetadata(PATH_METADATA, controller));
  const own = paths(Reflect.getMetadata(PATH_METADATA, handler));
  return base.flatMap((b) => own.map((o) => `${method} ${join(b, o)}`));
}

/** Every route of a list of controller classes. */
export function routesOf(controllers: Array<new (...args: never[]) => unknown>): string[] {
  return controllers.flatMap((c) =>
    Object.getOwnPropertyNames(c.prototype)
      .filter((name) => name !== 'constructor')
      .flatMap((name) => {
        const fn = (c.prototype as Record<string, unknown>)[name];
        return typeof fn === 'function' ? routeKeysOf(c, fn as Handler) : [];
      }),
  );
}
