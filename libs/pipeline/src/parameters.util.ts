import { pointer, type ErrorDetail } from '@gennaker/common';
import { isRecord, own, ownArray, shortQuote, type JsonRecord } from './document.util';

type Scalar = string | number | boolean;

function isScalar(v: unknown): v is Scalar {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/**
 * What the schema cannot say about parameterConfig: names are unique (reported on the later one),
 * `hasOptions: true` needs options, and a non-empty default must be one of them. A required
 * parameter with an empty default is fine: the person starting the pipeline must then fill it in.
 */
export function checkParameters(doc: JsonRecord, limit = Number.POSITIVE_INFINITY): ErrorDetail[] {
  const errors: ErrorDetail[] = [];
  const firstByName = new Map<string, number>();
  ownArray(doc, 'parameterConfig').forEach((param, i) => {
    if (!isRecord(param) || errors.length >= limit) return;
    const name = own(param, 'name');
    const label = typeof name === 'string' ? `parameter ${shortQuote(name)}` : `parameterConfig[${i}]`;
    if (typeof name === 'string') {
      const first = firstByName.get(name);
      if (first === undefined) firstByName.set(name, i);
      else errors.push({ pointer: pointer('parameterConfig', i, 'name'), message: `duplicate parameter name ${shortQuote(name)}: also parameterConfig[${first}]` });
    }
    if (own(param, 'hasOptions') !== true) return;
    const options = own(param, 'options');
    if (!Array.isArray(options) || options.length === 0) {
      errors.push({ pointer: pointer('parameterConfig', i, 'options'), message: `${label} has hasOptions true but no options` });
      return;
    }
    const values = options.map((o) => (isRecord(o) ? own(o, 'value') : undefined)).filter(isScalar).map(String);
    const def = own(param, 'default');
    if (isScalar(def) && String(def) !== '' && !values.includes(String(def))) {
      errors.push({
        pointer: pointer('parameterConfig', i, 'default'),
        message: `default ${shortQuote(String(def))} of ${label} is not one of its options (${values.slice(0, 10).map((v) => shortQuote(v, 40)).join(', ')})`,
      });
    }
  });
  return errors;
}

/** Stages refer to expected artifacts by id, so two with one id would be ambiguous. */
export function checkExpectedArtifacts(doc: JsonRecord, limit = Number.POSITIVE_INFINITY): ErrorDetail[] {
  const errors: ErrorDetail[] = [];
  const firstById = new Map<string, number>();
  ownArray(doc, 'expectedArtifacts').forEach((artifact, i) => {
    if (errors.length >= limit) return;
    const id = isRecord(artifact) ? own(artifact, 'id') : undefined;
    if (typeof id !== 'string') return;
    const first = firstById.get(id);
    if (first === undefined) firstById.set(id, i);
    else errors.push({ pointer: pointer('expectedArtifacts', i, 'id'), message: `duplicate expected artifact id ${shortQuote(id)}: also expectedArtifacts[${first}]` });
  });
  return errors;
}
