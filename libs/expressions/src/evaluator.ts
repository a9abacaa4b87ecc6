import type { Node } from './ast';
import { EvaluationFault, PositionedFault } from './expression-error';
import { callFunction, isFunctionName } from './functions';
import type { ExpressionLimits } from './limits';
import { callMethod, listItem } from './methods';
import { applyBinary } from './operators';
import type { ExpressionScope } from './scope';
import { assertAllowedName, describeKind, kindOf, mapGet, mapKeys, ownData, toCondition } from './values';

// Regex work is finer-grained than a node visit; this many units of it cost one step.
const REGEX_UNITS_PER_STEP = 100;

/**
 * Walks a parsed expression over plain data. Every visit costs a step, every built string or list is
 * size-checked, and tree depth was bounded by the parser, so evaluation ends quickly or fails with
 * PositionedFault; it never runs user text as code and never touches JS objects beyond own data.
 */
export class Evaluator {
  private steps = 0;
  private regexUnits = 0;
  private readonly charge = (units: number): void => {
    this.regexUnits += units;
    while (this.regexUnits >= REGEX_UNITS_PER_STEP) {
      this.regexUnits -= REGEX_UNITS_PER_STEP;
      this.countStep();
    }
  };

  constructor(
    private readonly scope: ExpressionScope,
    private readonly limits: ExpressionLimits,
  ) {}

  evaluate(node: Node, active: unknown): unknown {
    try {
      this.countStep();
      return this.visit(node, active);
    } catch (err) {
      // A fault from a value helper learns its position here, from the innermost node that raised it.
      if (err instanceof EvaluationFault) throw new PositionedFault(err.reason, node.pos);
      throw err;
    }
  }

  private countStep(): void {
    if (++this.steps > this.limits.maxSteps) throw new EvaluationFault(`evaluation took more than ${this.limits.maxSteps} steps`);
  }

  private visit(node: Node, active: unknown): unknown {
    switch (node.kind) {
      case 'literal':
        return node.value;
      case 'identifier':
        return this.property(active, node.name, false);
      case 'variable':
        return this.variable(node.name, active);
      case 'property':
        // Refused before the target is even evaluated: `x.constructor` is wrong whatever x is.
        assertAllowedName(node.name);
        return this.property(this.evaluate(node.target, active), node.name, node.nullSafe);
      case 'index':
        return this.index(node, active);
      case 'method':
        return this.method(node, active);
      case 'function':
        return this.call(node, active);
      case 'unary':
        return this.unary(node, active);
      case 'binary':
        return applyBinary(node.operator, this.evaluate(node.left, active), this.evaluate(node.right, active), {
          maxResultSize: this.limits.maxResultSize,
          charge: this.charge,
        });
      case 'logical': {
        const role = `operand of '${node.operator}'`;
        const left = this.condition(node.left, active, role);
        // Short-circuit as SpEL does: `a != null and a.b` must not read a.b when a is null.
        if (node.operator === 'and' ? !left : left) return left;
        return this.condition(node.right, active, role);
      }
      case 'ternary':
        return this.condition(node.test, active, 'condition of ?:')
          ? this.evaluate(node.then, active)
          : this.evaluate(node.otherwise, active);
      case 'elvis': {
        // SpEL's Elvis falls back on null and on the empty string.
        const left = this.evaluate(node.left, active);
        return left === null || left === '' ? this.evaluate(node.right, active) : left;
      }
      case 'list':
        this.checkListSize(node.items.length);
        return node.items.map((item) => this.evaluate(item, active));
      case 'map':
        return Object.fromEntries(node.entries.map(({ key, value }) => [key, this.evaluate(value, active)]));
      case 'selection':
        return this.selection(node, active);
      case 'projection':
        return this.projection(node, active);
    }
  }

  private condition(node: Node, active: unknown, role: string): boolean {
    const value = this.evaluate(node, active);
    try {
      return toCondition(value, role);
    } catch (err) {
      // Point at the operand that is not a boolean, not at the operator.
      if (err instanceof EvaluationFault) throw new PositionedFault(err.reason, node.pos);
      throw err;
    }
  }

  private variable(name: string, active: unknown): unknown {
    if (name === 'root') return this.scope.root;
    if (name === 'this') return active;
    if (isFunctionName(name)) throw new EvaluationFault(`#${name} is a function: call it as #${name}(...)`);
    throw new EvaluationFault(`unknown variable '#${name}'`);
  }

  private property(target: unknown, name: string, nullSafe: boolean): unknown {
    assertAllowedName(name);
    const kind = kindOf(target);
    switch (kind) {
      case 'map':
        return mapGet(target as Record<string, unknown>, name);
      case 'null':
        if (nullSafe) return null;
        throw new EvaluationFault(`cannot read property '${name}' of null (use ?. to allow null)`);
      case 'list':
        throw new EvaluationFault(`a list has no property '${name}'; use [index], size() or .![${name}]`);
      case 'string':
        throw new EvaluationFault(
          name === 'length' ? 'a string has no property length; call length()' : `a string has no property '${name}'`,
        );
      case 'number':
      case 'boolean':
        throw new EvaluationFault(`a ${kind} has no property '${name}'`);
      case 'opaque':
        throw new EvaluationFault(`cannot read '${name}' of a ${describeKind(target)}: only plain data can be read`);
    }
  }

  private index(node: Node & { kind: 'index' }, active: unknown): unknown {
    const target = this.evaluate(node.target, active);
    const key = this.evaluate(node.index, active);
    const kind = kindOf(target);
    switch (kind) {
      case 'map': {
        if (typeof key !== 'string' && typeof key !== 'number' && typeof key !== 'boolean') {
          throw new EvaluationFault(`a map key must be a string, got ${describeKind(key)}`);
        }
        return mapGet(target as Record<string, unknown>, String(key));
      }
      case 'list':
        return listItem(target as unknown[], this.integerIndex(key));
      case 'string': {
        const s = target as string;
        const i = this.integerIndex(key);
        if (i < 0 || i >= s.length) throw new EvaluationFault(`index ${i} is out of bounds for a string of length ${s.length}`);
        return s.charAt(i);
      }
      case 'null':
        if (node.nullSafe) return null;
        throw new EvaluationFault('cannot index null (use ?.[ ] to allow null)');
      case 'number':
      case 'boolean':
      case 'opaque':
        throw new EvaluationFault(`cannot index a ${describeKind(target)}`);
    }
  }

  private integerIndex(key: unknown): number {
    if (typeof key === 'number' && Number.isInteger(key)) return key;
    throw new EvaluationFault(`a list index must be an integer, got ${describeKind(key)}`);
  }

  private method(node: Node & { kind: 'method' }, active: unknown): unknown {
    assertAllowedName(node.name);
    const target = this.evaluate(node.target, active);
    if (target === null || target === undefined) {
      if (node.nullSafe) return null;
      throw new EvaluationFault(`cannot call ${node.name}() on null (use ?. to allow null)`);
    }
    const args = node.args.map((arg) => this.evaluate(arg, active));
    return this.withArgumentPositions(node.argPositions, () =>
      this.checked(callMethod(target, node.name, args, { maxResultSize: this.limits.maxResultSize, charge: this.charge })),
    );
  }

  private call(node: Node & { kind: 'function' }, active: unknown): unknown {
    const args = node.args.map((arg) => this.evaluate(arg, active));
    const ctx = { scope: this.scope, maxResultSize: this.limits.maxResultSize, maxDepth: this.limits.maxDepth };
    return this.withArgumentPositions(node.argPositions, () => this.checked(callFunction(node.name, args, ctx)));
  }

  /** A fault that names an argument is reported at that argument; others at the call. */
  private withArgumentPositions(positions: number[], run: () => unknown): unknown {
    try {
      return run();
    } catch (err) {
      if (err instanceof EvaluationFault && err.argIndex !== undefined) {
        const pos = positions[err.argIndex];
        if (pos !== undefined) throw new PositionedFault(err.reason, pos);
      }
      throw err;
    }
  }

  /** Results built by methods and functions obey the same size limit as operators. */
  private checked(value: unknown): unknown {
    if (typeof value === 'string' && value.length > this.limits.maxResultSize) {
      throw new EvaluationFault(`result is longer than ${this.limits.maxResultSize} characters`);
    }
    if (Array.isArray(value)) this.checkListSize(value.length);
    return value;
  }

  private checkListSize(size: number): void {
    if (size > this.limits.maxResultSize) throw new EvaluationFault(`list has more than ${this.limits.maxResultSize} elements`);
  }

  private unary(node: Node & { kind: 'unary' }, active: unknown): unknown {
    if (node.operator === '!') return !this.condition(node.operand, active, "operand of '!'");
    const value = this.evaluate(node.operand, active);
    if (typeof value !== 'number') throw new EvaluationFault(`unary '${node.operator}' needs a number, got ${describeKind(value)}`);
    return node.operator === '-' ? 0 - value : value;
  }

  /** The elements a selection or projection walks: list items, or a map's entries as {key, value}. */
  private elements(target: unknown, what: string): unknown[] {
    if (kindOf(target) === 'list') return Array.from(target as unknown[], (item) => (item === undefined ? null : item));
    if (kindOf(target) === 'map') {
      const map = target as Record<string, unknown>;
      return mapKeys(map).map((key) => ({ key, value: ownData(map, key)?.value ?? null }));
    }
    throw new EvaluationFault(`${what} needs a list or a map, got ${describeKind(target)}`);
  }

  private selection(node: Node & { kind: 'selection' }, active: unknown): unknown {
    const target = this.evaluate(node.target, active);
    if (target === null && node.nullSafe) return null;
    const elements = this.elements(target, 'selection');
    const picked: unknown[] = [];
    for (const element of elements) {
      this.countStep();
      if (this.condition(node.predicate, element, 'selection condition')) {
        picked.push(element);
        if (node.mode === 'first') break;
      }
    }
    const chosen = node.mode === 'all' ? picked : node.mode === 'first' ? picked.slice(0, 1) : picked.slice(-1);
    if (kindOf(target) === 'map') {
      const entries = chosen.map((e) => {
        const entry = e as Record<string, unknown>;
        return [String(entry['key']), entry['value']] as const;
      });
      return node.mode !== 'all' && entries.length === 0 ? null : Object.fromEntries(entries);
    }
    return node.mode === 'all' ? chosen : (chosen[0] ?? null);
  }

  private projection(node: Node & { kind: 'projection' }, active: unknown): unknown {
    const target = this.evaluate(node.target, active);
    if (target === null && node.nullSafe) return null;
    return this.elements(target, 'projection').map((element) => this.evaluate(node.expression, element));
  }
}

