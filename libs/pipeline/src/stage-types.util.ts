import { pointer, type ErrorDetail } from '@gennaker/common';
import { isRecord, own, ownArray, shortQuote, stageLabel, type JsonRecord } from './document.util';
import type { StageTypeInfo } from './model';

/** Every name a stage may use as its `type`: each type and its aliases. */
export function stageTypeNames(stageTypes: readonly StageTypeInfo[]): Set<string> {
  return new Set(stageTypes.flatMap((t) => [t.type, ...(t.aliases ?? [])]));
}

/** The type a stage's `type` names, through aliases (`canary` -> `kayentaCanary`), or undefined. */
export function resolveStageType(type: string, stageTypes: readonly StageTypeInfo[]): StageTypeInfo | undefined {
  return stageTypes.find((t) => t.type === type || (t.aliases ?? []).includes(type));
}

/** A stage whose type Gennaker has no implementation for, reported at `/stages/N/type`. */
export function checkStageTypes(doc: JsonRecord, known: ReadonlySet<string>): ErrorDetail[] {
  const stages = ownArray(doc, 'stages');
  const errors: ErrorDetail[] = [];
  stages.forEach((stage, i) => {
    if (!isRecord(stage)) return;
    const type = own(stage, 'type');
    // Missing or non-string types are the schema's to report.
    if (typeof type !== 'string' || type === '' || known.has(type)) return;
    errors.push({
      pointer: pointer('stages', i, 'type'),
      message: `stage type ${shortQuote(type)} of ${stageLabel(stages, i)} is not supported yet`,
    });
  });
  return errors;
}
