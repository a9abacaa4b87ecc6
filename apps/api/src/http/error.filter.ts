import { randomUUID } from 'node:crypto';
import { GennakerError, type ErrorCode, type ErrorDetail } from '@gennaker/common';
import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';

const STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
};

export interface ErrorBody {
  error: { code: string; message: string; details: ErrorDetail[] };
}

/** Every error leaves as `{error: {code, message, details}}`: never a stack trace, never a secret. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly log = new Logger('http');

  catch(err: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const { status, body } = toErrorResponse(err, this.log);
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(status).json(body);
  }
}

export function toErrorResponse(err: unknown, log?: Logger): { status: number; body: ErrorBody } {
  if (err instanceof GennakerError) {
    return { status: STATUS[err.code], body: { error: { code: err.code, message: err.message, details: err.details } } };
  }
  const bodyParser = err as { type?: string; status?: number; message?: string };
  if (bodyParser?.type === 'entity.parse.failed') {
    return { status: 400, body: { error: { code: 'VALIDATION_FAILED', message: `the body is not valid JSON: ${bodyParser.message ?? ''}`, details: [{ pointer: '', message: 'not valid JSON' }] } } };
  }
  if (bodyParser?.type === 'entity.too.large') {
    return { status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE', message: 'the body is too large', details: [{ pointer: '', message: 'too large' }] } } };
  }
  if (bodyParser?.type === 'encoding.unsupported' || bodyParser?.type === 'charset.unsupported') {
    return { status: 415, body: { error: { code: 'VALIDATION_FAILED', message: bodyParser.message ?? 'unsupported encoding', details: [] } } };
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const code: string = status === 404 ? 'NOT_FOUND' : status === 401 ? 'UNAUTHORIZED' : status === 403 ? 'FORBIDDEN' : status === 429 ? 'RATE_LIMITED' : status < 500 ? 'VALIDATION_FAILED' : 'INTERNAL';
    const r = err.getResponse();
    const message = typeof r === 'string' ? r : typeof (r as { message?: unknown }).message === 'string' ? String((r as { message: string }).message) : err.message;
    return { status, body: { error: { code, message, details: [] } } };
  }
  // A bug or an outage: log it with an id the user can quote; say nothing of its internals.
  const id = randomUUID();
  log?.error(`request failed (error id ${id}): ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  const unavailable = isConnectionError(err);
  return {
    status: unavailable ? 503 : 500,
    body: {
      error: {
        code: unavailable ? 'UNAVAILABLE' : 'INTERNAL',
        message: unavailable ? `a backing service is unavailable; try again (error id ${id})` : `internal error (error id ${id})`,
        details: [],
      },
    },
  };
}

function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: unknown; driverError?: { code?: unknown } } | null)?.code ?? (err as { driverError?: { code?: unknown } } | null)?.driverError?.code;
  return code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === '57P01' || code === '08006' || code === '08001';
}
