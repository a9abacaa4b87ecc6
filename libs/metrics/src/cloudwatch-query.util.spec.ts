import { describe, expect, it } from 'vitest';
import { alignGetMetricData, buildGetMetricData, cloudWatchRegion, describeGetMetricData, validateCloudWatchQuery } from './cloudwatch-query.util';
import type { MetricScope } from './metric-source.port';

const scope: MetricScope = { scopeName: 'default', scope: 'hello-prod-canary-v001', location: 'eu-west-1', start: Date.UTC(2026, 0, 1), end: Date.UTC(2026, 0, 1, 0, 5), stepMs: 60_000, extendedScopeParams: { lb: 'app/hello/123' } };
const metricStat = {
  type: 'cloudwatch',
  metricStat: {
    metric: { namespace: 'AWS/ApplicationELB', metricName: 'HTTPCode_Target_5XX_Count', dimensions: [{ name: 'AutoScalingGroupName', value: '${scope}' }, { name: 'LoadBalancer', value: '${lb}' }] },
    stat: 'Sum',
    unit: 'Count',
  },
};

describe('CloudWatch queries', () => {
  it('builds a GetMetricData request with the scope in the dimensions and the step as period', () => {
    const r = buildGetMetricData(metricStat, scope);
    expect(r.StartTime.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(r.EndTime.toISOString()).toBe('2026-01-01T00:05:00.000Z');
    expect(r.ScanBy).toBe('TimestampAscending');
    expect(r.MetricDataQueries).toEqual([
      {
        Id: 'canary',
        ReturnData: true,
        MetricStat: {
          Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'HTTPCode_Target_5XX_Count', Dimensions: [{ Name: 'AutoScalingGroupName', Value: 'hello-prod-canary-v001' }, { Name: 'LoadBalancer', Value: 'app/hello/123' }] },
          Period: 60,
          Stat: 'Sum',
          Unit: 'Count',
        },
      },
    ]);
    expect(describeGetMetricData(r, 'eu-west-1')).toContain('AutoScalingGroupName=hello-prod-canary-v001');
  });

  it('expands expressions, honours the query period and region', () => {
    const q = { type: 'cloudwatch', expression: "SUM(SEARCH('{AWS/EC2,AutoScalingGroupName} AutoScalingGroupName=\"${scope}\" MetricName=\"CPUUtilization\"', 'Average', 300))", period: 300, region: '${location}' };
    const r = buildGetMetricData(q, scope);
    expect(r.MetricDataQueries[0]?.Expression).toContain('AutoScalingGroupName="hello-prod-canary-v001"');
    expect(r.MetricDataQueries[0]?.Period).toBe(300);
    expect(cloudWatchRegion(q, scope)).toBe('eu-west-1');
    expect(cloudWatchRegion({ type: 'cloudwatch' }, scope)).toBe('eu-west-1');
  });

  it('refuses a step CloudWatch cannot aggregate by, naming the period', () => {
    expect(() => buildGetMetricData(metricStat, { ...scope, stepMs: 7000 })).toThrow(/1, 5, 10, 30 or a multiple of 60/);
    expect(buildGetMetricData(metricStat, { ...scope, stepMs: 5000 }).MetricDataQueries[0]?.MetricStat?.Period).toBe(5);
  });

  it('validates queries with pointers', () => {
    expect(validateCloudWatchQuery(metricStat, { templates: {} })).toEqual([]);
    expect(validateCloudWatchQuery({ type: 'cloudwatch' }, { templates: {} }).map((e) => e.pointer)).toEqual(['/metricStat']);
    expect(validateCloudWatchQuery({ type: 'cloudwatch', metricStat: { metric: { namespace: 'AWS/EC2' } } }, { templates: {} }).map((e) => e.pointer).sort()).toEqual([
      '/metricStat/metric/metricName',
      '/metricStat/stat',
    ]);
    expect(validateCloudWatchQuery({ ...metricStat, period: 45 }, { templates: {} }).map((e) => e.pointer)).toEqual(['/period']);
    expect(validateCloudWatchQuery({ type: 'cloudwatch', expression: 'x', metricStat: metricStat.metricStat }, { templates: {} }).map((e) => e.pointer)).toEqual(['/metricStat']);
  });

  it('puts every page of timestamps and values on the grid, ignoring other query ids', () => {
    const t = (m: number) => new Date(scope.start + m * 60_000);
    const v = alignGetMetricData(
      [
        { Id: 'canary', Timestamps: [t(0), t(1)], Values: [1, 2] },
        { Id: 'other', Timestamps: [t(2)], Values: [99] },
        { Id: 'canary', Timestamps: [t(3).toISOString()], Values: [4] },
      ],
      scope,
      60_000,
    );
    expect(v.map((x) => (Number.isNaN(x) ? null : x))).toEqual([1, 2, null, 4, null]);
  });
});
