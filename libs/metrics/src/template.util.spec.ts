import { describe, expect, it } from 'vitest';
import type { MetricScope } from './metric-source.port';
import { expandTemplate, parseTemplate, scopeVariables, TemplateError, templateSyntaxErrors } from './template.util';

const scope: MetricScope = {
  scopeName: 'default',
  scope: 'hello-prod-canary-v003',
  location: 'us-east-1',
  start: Date.UTC(2026, 0, 1, 10, 0, 0),
  end: Date.UTC(2026, 0, 1, 10, 5, 0),
  stepMs: 5000,
  extendedScopeParams: { resourceType: 'aws_ec2_instance', scope: 'shadowed?' },
};

describe('query templates', () => {
  it('expands the scope variables Kayenta templates use', () => {
    const v = scopeVariables(scope);
    expect(expandTemplate('rate(http_requests_total{server_group="${scope}",region="${location}"}[${step}])', v)).toBe(
      'rate(http_requests_total{server_group="hello-prod-canary-v003",region="us-east-1"}[5s])',
    );
    expect(expandTemplate('${cluster}/${application}/${serverGroup}/${region}/${scopeName}', v)).toBe('hello-prod-canary/hello/hello-prod-canary-v003/us-east-1/default');
    expect(expandTemplate('${start} ${end} ${startEpochSeconds} ${endEpochMillis} ${stepSeconds}', v)).toBe(
      `2026-01-01T10:00:00.000Z 2026-01-01T10:05:00.000Z ${scope.start / 1000} ${scope.end} 5`,
    );
    expect(expandTemplate('${resourceType}', v)).toBe('aws_ec2_instance');
  });

  it('never lets an extended scope param shadow a built-in variable', () => {
    expect(expandTemplate('${scope}', scopeVariables(scope))).toBe('hello-prod-canary-v003');
  });

  it('writes sub-second steps in milliseconds (PromQL durations have no fractions)', () => {
    expect(expandTemplate('[${step}]', scopeVariables({ ...scope, stepMs: 500 }))).toBe('[500ms]');
  });

  it('names an unknown variable and lists the known ones', () => {
    expect(() => expandTemplate('x{a="${nope}"}', scopeVariables(scope))).toThrow(TemplateError);
    expect(() => expandTemplate('x{a="${nope}"}', scopeVariables(scope))).toThrow(/\$\{nope\}.*known: .*location/);
  });

  it('keeps $${ as a literal ${ and reports broken syntax with its position', () => {
    expect(expandTemplate('a $${scope} b', {})).toBe('a ${scope} b');
    expect(parseTemplate('abc ${scope').error).toMatch(/unclosed \$\{ at position 4/);
    expect(templateSyntaxErrors('x ${a b}', '/q')).toEqual([{ pointer: '/q', message: expect.stringContaining('not a variable name') }]);
    expect(templateSyntaxErrors('x ${scope}', '/q')).toEqual([]);
  });
});
