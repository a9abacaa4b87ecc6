import { InputError } from '@gennaker/common';

/**
 * A metric's query cannot run as written (an unknown template variable, a query that answers
 * several series...): bad input, never retried. `field` is a JSON pointer relative to the
 * metric's `query`; collectMetricData re-bases it onto `/metrics/<i>/query` of the canary config.
 */
export class MetricQueryError extends InputError {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message, [{ pointer: field, message }]);
  }
}
