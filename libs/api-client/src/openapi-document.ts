/**
 * The OpenAPI 3.1 document of Gennaker's HTTP API (the contract of API.md). The API serves it at
 * /api/v1/openapi.json; the typed client used by the UI and the CLI is generated from it.
 */
type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Schema, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
const errors = {
  '400': { $ref: '#/components/responses/BadRequest' },
  '401': { $ref: '#/components/responses/Unauthorized' },
  '403': { $ref: '#/components/responses/Forbidden' },
  '404': { $ref: '#/components/responses/NotFound' },
};
const idParam = (name: string, description: string) => ({ name, in: 'path', required: true, schema: { type: 'string' }, description });
const body = (schema: Schema, required = true) => ({ required, content: { 'application/json': { schema } } });

const STATUS = {
  type: 'string',
  enum: ['NOT_STARTED', 'BUFFERED', 'RUNNING', 'PAUSED', 'SUSPENDED', 'SUCCEEDED', 'FAILED_CONTINUE', 'TERMINAL', 'CANCELED', 'STOPPED', 'SKIPPED', 'REDIRECT'],
};
const TIME = { type: ['string', 'null'], format: 'date-time' };

export function openApiDocument(): Schema {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Gennaker API',
      version: '1',
      description: 'Continuous delivery orchestration: applications, pipelines, executions, clusters, triggers and canaries.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      responses: {
        BadRequest: json(ref('Error'), 'Invalid input; each detail names the field by JSON pointer'),
        Unauthorized: json(ref('Error'), 'Missing or invalid token'),
        Forbidden: json(ref('Error'), 'Signed in, but not allowed'),
        NotFound: json(ref('Error'), 'No such resource'),
        Conflict: json(ref('Error'), 'Conflicts with the current state (a stale version, a finished execution...)'),
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message', 'details'],
              properties: {
                code: { type: 'string', enum: ['VALIDATION_FAILED', 'NOT_FOUND', 'CONFLICT', 'UNAUTHORIZED', 'FORBIDDEN', 'PAYLOAD_TOO_LARGE', 'RATE_LIMITED', 'UNAVAILABLE', 'INTERNAL'] },
                message: { type: 'string' },
                details: { type: 'array', items: { type: 'object', required: ['pointer', 'message'], properties: { pointer: { type: 'string' }, message: { type: 'string' } } } },
              },
            },
          },
        },
        Health: {
          type: 'object',
          required: ['status', 'postgres', 'redis'],
          properties: { status: { enum: ['ok', 'degraded'] }, postgres: { enum: ['up', 'down'] }, redis: { enum: ['up', 'down'] } },
        },
        Application: {
          type: 'object',
          required: ['name'],
          properties: {
            name: { type: 'string', pattern: '^[a-z][a-z0-9]{0,62}$' },
            email: { type: ['string', 'null'] },
            description: { type: ['string', 'null'] },
            permissions: { type: ['object', 'null'], properties: { READ: { type: 'array', items: { type: 'string' } }, WRITE: { type: 'array', items: { type: 'string' } }, EXECUTE: { type: 'array', items: { type: 'string' } } } },
            pipelinesRepo: { type: ['object', 'null'], properties: { url: { type: 'string' }, branch: { type: 'string' }, path: { type: 'string' } }, required: ['url'] },
            createdAt: { type: 'string', format: 'date-time', readOnly: true },
            updatedAt: { type: 'string', format: 'date-time', readOnly: true },
          },
        },
        ApplicationList: { type: 'object', required: ['items', 'nextCursor'], properties: { items: { type: 'array', items: ref('Application') }, nextCursor: { type: ['string', 'null'] } } },
        Pipeline: {
              type: 'object',
              description: "A pipeline in Spinnaker's JSON shape; the full schema is served at /api/v1/schemas/pipeline.json",
              required: ['application', 'name', 'stages'],
              properties: {
                id: { type: 'string' },
                application: { type: 'string' },
                name: { type: 'string' },
                version: { type: 'integer', description: 'The version this change is based on (optimistic concurrency)' },
                stages: { type: 'array', items: { type: 'object', required: ['refId', 'type'], properties: { refId: { type: 'string' }, type: { type: 'string' }, name: { type: 'string' }, requisiteStageRefIds: { type: 'array', items: { type: 'string' } } }, additionalProperties: true } },
                triggers: { type: 'array', items: { type: 'object', additionalProperties: true } },
                parameterConfig: { type: 'array', items: { type: 'object', additionalProperties: true } },
              },
              additionalProperties: true,
        },
        StoredPipeline: {
          allOf: [
            ref('Pipeline'),
            {
              type: 'object',
              required: ['id', 'version'],
              properties: {
                id: { type: 'string' },
                version: { type: 'integer' },
                updateTs: { type: 'string', format: 'date-time' },
                createTs: { type: 'string', format: 'date-time' },
                lastModifiedBy: { type: ['string', 'null'] },
                managedBy: { type: ['object', 'null'], properties: { url: { type: 'string' }, branch: { type: 'string' }, path: { type: 'string' }, file: { type: 'string' } } },
              },
            },
          ],
        },
        Revision: {
          type: 'object',
          required: ['version', 'action', 'createdAt', 'pipeline'],
          properties: { version: { type: 'integer' }, action: { enum: ['create', 'update', 'delete', 'restore', 'sync'] }, author: { type: ['string', 'null'] }, createdAt: { type: 'string', format: 'date-time' }, pipeline: { type: 'object', additionalProperties: true } },
        },
        StageType: {
          type: 'object',
          required: ['type'],
          properties: { type: { type: 'string' }, aliases: { type: 'array', items: { type: 'string' } }, label: { type: 'string' }, description: { type: 'string' }, contextSchema: { type: 'object', additionalProperties: true } },
        },
        ExecutionStatus: STATUS,
        Task: {
          type: 'object',
          required: ['id', 'name', 'status'],
          properties: { id: { type: 'string' }, name: { type: 'string' }, status: STATUS, startTime: TIME, endTime: TIME, lastError: { type: 'string' }, attempts: { type: 'integer' } },
        },
        StageError: {
          type: 'object',
          required: ['message', 'source'],
          properties: { message: { type: 'string' }, source: { type: 'string' }, code: { type: 'string' }, time: TIME, details: { type: 'array', items: { type: 'object', properties: { pointer: { type: 'string' }, message: { type: 'string' } } } } },
        },
        Stage: {
          type: 'object',
          required: ['id', 'refId', 'type', 'name', 'status', 'requisiteStageRefIds', 'parentStageId', 'syntheticStageOwner', 'context', 'outputs', 'startTime', 'endTime', 'tasks'],
          properties: {
            id: { type: 'string' },
            refId: { type: 'string' },
            type: { type: 'string' },
            name: { type: 'string' },
            status: STATUS,
            requisiteStageRefIds: { type: 'array', items: { type: 'string' } },
            parentStageId: { type: ['string', 'null'] },
            syntheticStageOwner: { type: ['string', 'null'], enum: ['STAGE_BEFORE', 'STAGE_AFTER', null] },
            context: { type: 'object', additionalProperties: true },
            outputs: { type: 'object', additionalProperties: true },
            startTime: TIME,
            endTime: TIME,
            tasks: { type: 'array', items: ref('Task') },
            error: ref('StageError'),
            lastModified: { type: 'object', properties: { user: { type: 'string' }, time: TIME } },
          },
        },
        Execution: {
          type: 'object',
          required: ['id', 'type', 'application', 'pipelineId', 'name', 'status', 'trigger', 'startTime', 'endTime', 'stages'],
          properties: {
            id: { type: 'string' },
            type: { enum: ['PIPELINE', 'ORCHESTRATION'] },
            application: { type: 'string' },
            pipelineId: { type: ['string', 'null'] },
            name: { type: 'string' },
            status: STATUS,
            trigger: { type: 'object', additionalProperties: true },
            buildTime: TIME,
            startTime: TIME,
            endTime: TIME,
            canceled: { type: 'boolean' },
            canceledBy: { type: ['string', 'null'] },
            cancellationReason: { type: ['string', 'null'] },
            paused: { type: ['object', 'null'], additionalProperties: true },
            parentExecutionId: { type: ['string', 'null'] },
            stages: { type: 'array', items: ref('Stage') },
          },
        },
        ExecutionSummary: {
          type: 'object',
          required: ['id', 'application', 'name', 'status', 'stages'],
          properties: {
            id: { type: 'string' },
            type: { enum: ['PIPELINE', 'ORCHESTRATION'] },
            application: { type: 'string' },
            pipelineId: { type: ['string', 'null'] },
            name: { type: 'string' },
            status: STATUS,
            trigger: { type: 'object', additionalProperties: true },
            buildTime: TIME,
            startTime: TIME,
            endTime: TIME,
            stages: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, refId: { type: 'string' }, name: { type: 'string' }, type: { type: 'string' }, status: STATUS, startTime: TIME, endTime: TIME, parentStageId: { type: ['string', 'null'] } } } },
          },
        },
        ExecutionList: { type: 'object', required: ['items', 'nextCursor'], properties: { items: { type: 'array', items: ref('ExecutionSummary') }, nextCursor: { type: ['string', 'null'] } } },
        StartExecution: {
          type: 'object',
          properties: { parameters: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } }, artifacts: { type: 'array', items: { type: 'object', additionalProperties: true } } },
        },
        Accepted: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
        Orchestration: {
          type: 'object',
          required: ['job'],
          properties: { description: { type: 'string' }, job: { type: 'array', minItems: 1, items: { type: 'object', required: ['type'], properties: { type: { type: 'string' } }, additionalProperties: true } } },
        },
        WebhookAccepted: {
          type: 'object',
          required: ['deliveryId', 'executions'],
          properties: {
            deliveryId: { type: 'string' },
            executions: { type: 'array', items: { type: 'string' }, description: 'Executions started (for a replayed delivery id: those the first delivery started)' },
            replayed: { type: 'boolean' },
            message: { type: 'string', description: 'Why an event started nothing (a ping, an event no trigger handles)' },
          },
        },
        TriggerDelivery: {
          type: 'object',
          required: ['id', 'provider', 'deliveryId', 'accepted', 'signature', 'receivedAt', 'started', 'skipped'],
          properties: {
            id: { type: 'string' },
            provider: { type: 'string', description: 'github, gitlab, bitbucket, or api (a sync asked through the API)' },
            deliveryId: { type: 'string' },
            accepted: { type: 'boolean' },
            signature: { enum: ['valid', 'invalid', 'missing', 'not-required'] },
            event: { type: ['string', 'null'] },
            repository: { type: ['string', 'null'] },
            branch: { type: ['string', 'null'] },
            hash: { type: ['string', 'null'] },
            receivedAt: { type: 'string', format: 'date-time' },
            message: { type: ['string', 'null'] },
            started: { type: 'array', items: { type: 'object', required: ['pipelineId', 'application', 'pipeline', 'executionId'], properties: { pipelineId: { type: 'string' }, application: { type: 'string' }, pipeline: { type: 'string' }, triggerIndex: { type: 'integer' }, executionId: { type: 'string' } } } },
            skipped: { type: 'array', items: { type: 'object', required: ['pipelineId', 'application', 'pipeline', 'reason'], properties: { pipelineId: { type: 'string' }, application: { type: 'string' }, pipeline: { type: 'string' }, triggerIndex: { type: 'integer' }, reason: { type: 'string' } } } },
            sync: { oneOf: [ref('SyncOutcome'), { type: 'null' }] },
          },
        },
        TriggerDeliveryList: { type: 'object', required: ['items', 'nextCursor'], properties: { items: { type: 'array', items: ref('TriggerDelivery') }, nextCursor: { type: ['string', 'null'] } } },
        SyncOutcome: {
          type: 'object',
          required: ['application', 'status'],
          properties: {
            application: { type: 'string' },
            url: { type: 'string' },
            branch: { type: 'string' },
            path: { type: 'string' },
            status: { enum: ['pending', 'applied', 'failed'] },
            commit: { type: ['string', 'null'] },
            created: { type: 'array', items: { type: 'string' } },
            updated: { type: 'array', items: { type: 'string' } },
            deleted: { type: 'array', items: { type: 'string' } },
            unchanged: { type: 'integer' },
            errors: { type: 'array', items: { type: 'object', required: ['file', 'pointer', 'message'], properties: { file: { type: 'string' }, pointer: { type: 'string' }, message: { type: 'string' } } } },
            message: { type: 'string' },
            finishedAt: { type: 'string', format: 'date-time' },
          },
        },
        PipelineFiles: {
          type: 'object',
          required: ['files'],
          properties: { files: { type: 'array', items: { type: 'object', required: ['file', 'content'], properties: { file: { type: 'string' }, content: { oneOf: [{ type: 'string' }, { type: 'object', additionalProperties: true }] } } } } },
        },
        SyncResult: {
          type: 'object',
          required: ['applied', 'created', 'updated', 'deleted', 'unchanged', 'deliveryId'],
          properties: { applied: { type: 'boolean' }, created: { type: 'array', items: { type: 'string' } }, updated: { type: 'array', items: { type: 'string' } }, deleted: { type: 'array', items: { type: 'string' } }, unchanged: { type: 'integer' }, deliveryId: { type: 'string' } },
        },
        StagePatch: {
          type: 'object',
          properties: { judgmentStatus: { enum: ['continue', 'stop'] }, judgmentInput: { type: 'string' }, skipRemainingWait: { const: true } },
        },
        // Canary (issue 5): configs in Kayenta's shape, standalone judgments, canary runs.
        CanaryConfig: {
          type: 'object',
          description: "A canary config in Kayenta's shape. Each metric has one query, `{type: 'prometheus' | 'cloudwatch' | 'local', ...}`, with templates over `${scope}`, `${location}`, `${step}`...; `classifier.groupWeights` add up to 100; scoreThresholds marginal <= pass.",
          required: ['name', 'metrics', 'classifier'],
          properties: {
            id: { type: 'string', description: 'Kept when given (a Kayenta config imported with its id); generated otherwise.' },
            name: { type: 'string', pattern: '^[A-Za-z0-9_-]+$' },
            description: { type: 'string' },
            applications: { type: 'array', items: { type: 'string' } },
            metrics: {
              type: 'array',
              minItems: 1,
              items: {
                type: 'object',
                required: ['name', 'query', 'groups'],
                properties: {
                  name: { type: 'string' },
                  query: { type: 'object', required: ['type'], properties: { type: { type: 'string', enum: ['prometheus', 'cloudwatch', 'local'] } }, additionalProperties: true },
                  groups: { type: 'array', minItems: 1, items: { type: 'string' } },
                  scopeName: { type: 'string' },
                  analysisConfigurations: {
                    type: 'object',
                    properties: {
                      canary: {
                        type: 'object',
                        properties: {
                          direction: { enum: ['increase', 'decrease', 'either'] },
                          nanStrategy: { enum: ['remove', 'replace'] },
                          critical: { type: 'boolean' },
                          mustHaveData: { type: 'boolean' },
                          dryRun: { type: 'boolean', description: 'Measured and reported, never scored.' },
                          effectSize: { type: 'object', additionalProperties: true },
                          outliers: { type: 'object', additionalProperties: true },
                        },
                        additionalProperties: true,
                      },
                    },
                  },
                },
                additionalProperties: true,
              },
            },
            classifier: {
              type: 'object',
              required: ['groupWeights'],
              properties: { groupWeights: { type: 'object', additionalProperties: { type: 'number' } }, scoreThresholds: ref('CanaryScoreThresholds') },
            },
            templates: { type: 'object', additionalProperties: { type: 'string' } },
            judge: { type: 'object', additionalProperties: true },
            createdTimestamp: { type: 'integer', readOnly: true },
            updatedTimestamp: { type: 'integer', readOnly: true },
            createdTimestampIso: { type: 'string', format: 'date-time', readOnly: true },
            updatedTimestampIso: { type: 'string', format: 'date-time', readOnly: true },
            updatedBy: { type: ['string', 'null'], readOnly: true },
          },
          additionalProperties: true,
        },
        StoredCanaryConfig: { allOf: [ref('CanaryConfig'), { type: 'object', required: ['id', 'createdTimestampIso', 'updatedTimestampIso'] }] },
        CanaryConfigList: { type: 'object', required: ['items', 'nextCursor'], properties: { items: { type: 'array', items: ref('StoredCanaryConfig') }, nextCursor: { type: ['string', 'null'] } } },
        CanaryScoreThresholds: { type: 'object', required: ['marginal', 'pass'], properties: { marginal: { type: 'number', minimum: 0, maximum: 100 }, pass: { type: 'number', minimum: 0, maximum: 100 } } },
        CanaryJudgeRequest: {
          type: 'object',
          required: ['config', 'metrics'],
          properties: {
            config: { oneOf: [ref('CanaryConfig'), { type: 'string', description: 'The id of a stored config' }] },
            confidenceLevel: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.98 },
            scoreThresholds: ref('CanaryScoreThresholds'),
            metrics: {
              type: 'array',
              items: {
                type: 'object',
                required: ['name', 'control', 'experiment'],
                properties: { name: { type: 'string' }, control: { type: 'array', items: { type: ['number', 'null'] } }, experiment: { type: 'array', items: { type: ['number', 'null'] } } },
              },
            },
          },
        },
        CanaryMetricStats: {
          type: 'object',
          description: 'Descriptive statistics of the values judged (NaN, written null, when there were none).',
          required: ['count', 'mean', 'min', 'max', 'median', 'std'],
          properties: { count: { type: 'integer' }, mean: { type: 'number' }, min: { type: 'number' }, max: { type: 'number' }, median: { type: 'number' }, std: { type: 'number' } },
        },
        CanaryMetricJudgment: {
          type: 'object',
          required: ['name', 'classification', 'critical', 'deviation', 'interval', 'estimate', 'pValue'],
          properties: {
            name: { type: 'string' },
            classification: { enum: ['Pass', 'High', 'Low', 'Nodata', 'NodataFailMetric', 'Error'] },
            critical: { type: 'boolean', description: 'This metric fails the canary by itself (a critical metric that failed or had no data).' },
            criticalMetric: { type: 'boolean', description: 'The metric is configured critical.' },
            dryRun: { type: 'boolean' },
            groups: { type: 'array', items: { type: 'string' } },
            deviation: { type: ['number', 'null'], description: 'Mean ratio experiment/control; null when a mean is 0.' },
            effectSize: { type: ['number', 'null'] },
            effectSizeMeasure: { enum: ['meanRatio', 'cles'] },
            interval: { type: ['array', 'null'], items: { type: 'number' }, minItems: 2, maxItems: 2, description: 'Confidence interval of the location shift experiment - control.' },
            estimate: { type: ['number', 'null'] },
            pValue: { type: ['number', 'null'], description: 'Two-sided.' },
            hasData: { type: 'boolean' },
            controlStats: ref('CanaryMetricStats'),
            experimentStats: ref('CanaryMetricStats'),
            reason: { type: 'string' },
          },
        },
        CanaryGroupJudgment: {
          type: 'object',
          required: ['name', 'score', 'weight', 'metricCount'],
          properties: { name: { type: 'string' }, score: { type: 'number' }, weight: { type: 'number' }, metricCount: { type: 'integer' }, classification: { type: 'string', description: 'NoData when no metric of the group counted' } },
        },
        CanaryJudgeResult: {
          type: 'object',
          required: ['score', 'classification', 'groups', 'metrics'],
          properties: {
            score: { type: 'number' },
            classification: { enum: ['Pass', 'Marginal', 'Fail', 'NoData'] },
            reason: { type: 'string' },
            confidenceLevel: { type: 'number' },
            scoreThresholds: ref('CanaryScoreThresholds'),
            groups: { type: 'array', items: ref('CanaryGroupJudgment') },
            metrics: { type: 'array', items: ref('CanaryMetricJudgment') },
          },
        },
        CanaryIntervalMetric: {
          allOf: [
            ref('CanaryMetricJudgment'),
            {
              type: 'object',
              required: ['control', 'experiment'],
              properties: {
                control: { type: 'array', items: { type: 'number' }, description: 'The control values judged (one per step, gaps left out), for charts.' },
                experiment: { type: 'array', items: { type: 'number' } },
                queries: { type: ['object', 'null'], properties: { control: { type: 'string' }, experiment: { type: 'string' } }, description: 'The queries as sent, templates expanded.' },
              },
            },
          ],
        },
        CanaryInterval: {
          type: 'object',
          required: ['index', 'startTime', 'endTime', 'judgedAt', 'score', 'classification', 'groups', 'metrics'],
          properties: {
            index: { type: 'integer', description: 'From 0.' },
            startTime: { type: 'string', format: 'date-time' },
            endTime: { type: 'string', format: 'date-time' },
            judgedAt: { type: 'string', format: 'date-time' },
            score: { type: 'number' },
            classification: { enum: ['Pass', 'Marginal', 'Fail', 'NoData'], description: 'NoData: no scored metric had data (no traffic); never counted as a pass.' },
            reason: { type: 'string' },
            confidenceLevel: { type: 'number' },
            scoreThresholds: ref('CanaryScoreThresholds'),
            groups: { type: 'array', items: ref('CanaryGroupJudgment') },
            metrics: { type: 'array', items: ref('CanaryIntervalMetric') },
          },
        },
        CanaryResult: {
          type: 'object',
          description: 'A canary run (one kayentaCanary stage) with every interval judged so far.',
          required: ['id', 'executionId', 'stageId', 'application', 'status', 'classification', 'score', 'scores', 'configName', 'config', 'startTime', 'endTime', 'intervals'],
          properties: {
            id: { type: 'string' },
            executionId: { type: ['string', 'null'] },
            stageId: { type: ['string', 'null'] },
            application: { type: ['string', 'null'] },
            status: { enum: ['RUNNING', 'SUCCEEDED', 'TERMINAL', 'CANCELED'], description: 'RUNNING also while a marginal canary awaits its manual judgment.' },
            classification: { type: ['string', 'null'], enum: ['Pass', 'Marginal', 'Fail', 'NoData', null], description: 'The verdict, once decided.' },
            score: { type: ['number', 'null'], description: 'The latest (finally the deciding) score.' },
            scores: { type: 'array', items: { type: 'number' } },
            message: { type: ['string', 'null'] },
            configId: { type: ['string', 'null'] },
            configName: { type: 'string' },
            config: { type: 'object', additionalProperties: true, description: 'The config as it was when the run started.' },
            analysisType: { enum: ['realTime', 'retrospective'] },
            scoreThresholds: ref('CanaryScoreThresholds'),
            marginalAction: { enum: ['fail', 'pause'] },
            scopes: { type: 'array', items: { type: 'object', additionalProperties: true } },
            windows: { type: 'array', description: 'Every planned interval.', items: { type: 'object', required: ['index', 'startTime', 'endTime'], properties: { index: { type: 'integer' }, startTime: { type: 'string', format: 'date-time' }, endTime: { type: 'string', format: 'date-time' } } } },
            deployment: { type: ['object', 'null'], additionalProperties: true, description: 'The baseline and canary server groups, when the stage deployed them.' },
            stageName: { type: 'string' },
            pipelineName: { type: 'string' },
            startTime: { type: 'string', format: 'date-time' },
            endTime: TIME,
            updatedTime: { type: 'string', format: 'date-time' },
            intervals: { type: 'array', items: ref('CanaryInterval') },
          },
        },
        TokenRequest: {
          type: 'object',
          required: ['name', 'roles'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 100 },
            roles: { type: 'array', items: { type: 'string' } },
            expiresAt: { type: ['string', 'null'], format: 'date-time' },
            serviceAccount: { type: 'boolean', description: 'A service account that triggers run as (trigger.runAsUser = name); one live account per name.' },
          },
        },
        Token: {
          type: 'object',
          description: 'An API token, a UI session or a service account; never the token itself.',
          required: ['id', 'name', 'kind', 'roles', 'createdBy', 'createdAt', 'expiresAt', 'revokedAt'],
          properties: {
            id: { type: 'string' },
            name: { type: 'string' },
            kind: { enum: ['token', 'service', 'session'] },
            roles: { type: 'array', items: { type: 'string' } },
            createdBy: { type: 'string' },
            createdAt: { type: 'string', format: 'date-time' },
            expiresAt: TIME,
            revokedAt: TIME,
            revokedBy: { type: ['string', 'null'] },
            lastUsedAt: TIME,
          },
        },
        TokenCreated: { allOf: [ref('Token'), { type: 'object', required: ['token'], properties: { token: { type: 'string', description: 'The token (gk_...): shown this once, stored only as a hash.' } } }] },
        TokenList: { type: 'object', required: ['items', 'nextCursor'], properties: { items: { type: 'array', items: ref('Token') }, nextCursor: { type: ['string', 'null'] } } },
        Me: {
          type: 'object',
          required: ['name', 'roles', 'admin'],
          properties: { name: { type: 'string' }, roles: { type: 'array', items: { type: 'string' } }, admin: { type: 'boolean' }, kind: { enum: ['admin-token', 'token', 'session', 'service', 'anonymous'] } },
        },
        AuditEvent: {
          type: 'object',
          required: ['id', 'time', 'actor', 'action', 'application', 'resourceType', 'resourceId', 'details'],
          properties: {
            id: { type: 'string' },
            time: { type: 'string', format: 'date-time' },
            actor: { type: 'string' },
            action: { type: 'string', description: 'application.create|update|permissions|delete, pipeline.create|update|delete|restore|sync, execution.start|cancel|pause|resume, stage.judge|skip|restart|skip-wait, token.create|revoke' },
            application: { type: ['string', 'null'] },
            resourceType: { type: 'string' },
            resourceId: { type: ['string', 'null'] },
            details: { type: 'object', additionalProperties: true },
          },
        },
        AuditList: { type: 'object', required: ['items', 'nextCursor'], properties: { items: { type: 'array', items: ref('AuditEvent') }, nextCursor: { type: ['string', 'null'] } } },
        AuthInfo: {
          type: 'object',
          required: ['authRequired', 'oidc', 'loginUrl'],
          properties: { authRequired: { type: 'boolean' }, oidc: { type: 'boolean' }, loginUrl: { type: ['string', 'null'], description: 'Where the UI sends the browser to sign in with OIDC' } },
        },
        Account: {
          type: 'object',
          description: 'A cloud account (credentials and other provider-specific keys are never returned).',
          required: ['name', 'provider', 'regions', 'environment', 'permissions'],
          properties: {
            name: { type: 'string' },
            provider: { type: 'string', enum: ['aws', 'local'] },
            regions: { type: 'array', items: { type: 'string' } },
            environment: { type: 'string' },
            permissions: { type: 'object', properties: { READ: { type: 'array', items: { type: 'string' } }, WRITE: { type: 'array', items: { type: 'string' } } } },
          },
        },
        ServerGroupSummary: {
          type: 'object',
          required: ['name', 'region', 'enabled', 'capacity', 'instances', 'image', 'imageId', 'createdTime', 'loadBalancers'],
          properties: {
            name: { type: 'string', description: 'Frigga name: app-stack-detail-vNNN' },
            region: { type: 'string' },
            enabled: { type: 'boolean', description: 'Taking traffic from its load balancers' },
            capacity: { type: 'object', required: ['min', 'max', 'desired'], properties: { min: { type: 'integer' }, max: { type: 'integer' }, desired: { type: 'integer' } } },
            instances: {
              type: 'object',
              required: ['total', 'up', 'down', 'starting'],
              properties: { total: { type: 'integer' }, up: { type: 'integer' }, down: { type: 'integer' }, starting: { type: 'integer' } },
            },
            image: { type: 'string', description: 'Image name (its id when it has none)' },
            imageId: { type: 'string' },
            createdTime: { type: 'string', format: 'date-time' },
            loadBalancers: { type: 'array', items: { type: 'string' } },
          },
        },
        Cluster: {
          type: 'object',
          required: ['account', 'name', 'serverGroups', 'loadBalancers'],
          properties: {
            account: { type: 'string' },
            name: { type: 'string', description: 'Frigga cluster: app-stack-detail' },
            serverGroups: { type: 'array', items: ref('ServerGroupSummary'), description: 'Newest first' },
            loadBalancers: {
              type: 'array',
              items: { type: 'object', required: ['name', 'region', 'address'], properties: { name: { type: 'string' }, region: { type: 'string' }, address: { type: ['string', 'null'] } } },
            },
          },
        },
      },
    },
    paths: {
      '/api/v1/health': { get: { operationId: 'health', security: [], responses: { '200': json(ref('Health')), '503': json(ref('Health'), 'A backing service is down') } } },
      '/api/v1/openapi.json': { get: { operationId: 'openApi', security: [], responses: { '200': json({ type: 'object' }) } } },
      '/metrics': {
        get: {
          operationId: 'metrics',
          description: 'Prometheus metrics of this api process (text exposition format). Needs GENNAKER_METRICS_TOKEN as a bearer token when that is set; open otherwise. Workers serve their own on GENNAKER_WORKER_METRICS_PORT.',
          security: [],
          responses: {
            '200': { description: 'Prometheus text', content: { 'text/plain': { schema: { type: 'string' } } } },
            '401': json(ref('Error'), 'The metrics token is set and was not given'),
          },
        },
      },
      '/api/v1/schemas/pipeline.json': { get: { operationId: 'pipelineSchema', security: [], responses: { '200': json({ type: 'object' }, 'The JSON Schema of a pipeline document') } } },
      '/api/v1/stage-types': { get: { operationId: 'listStageTypes', responses: { '200': json({ type: 'array', items: ref('StageType') }) } } },
      '/api/v1/applications': {
        get: { operationId: 'listApplications', responses: { '200': json(ref('ApplicationList')), ...errors } },
        post: { operationId: 'createApplication', requestBody: body(ref('Application')), responses: { '201': json(ref('Application'), 'Created'), '409': { $ref: '#/components/responses/Conflict' }, ...errors } },
      },
      '/api/v1/applications/{app}': {
        parameters: [idParam('app', 'Application name')],
        get: { operationId: 'getApplication', responses: { '200': json(ref('Application')), ...errors } },
        put: { operationId: 'updateApplication', requestBody: body(ref('Application')), responses: { '200': json(ref('Application')), ...errors } },
        delete: { operationId: 'deleteApplication', responses: { '204': { description: 'Deleted' }, ...errors } },
      },
      '/api/v1/applications/{app}/pipelines': {
        parameters: [idParam('app', 'Application name')],
        get: { operationId: 'listPipelines', responses: { '200': json({ type: 'array', items: ref('StoredPipeline') }), ...errors } },
      },
      '/api/v1/applications/{app}/pipelines/sync': {
        parameters: [idParam('app', 'Application name')],
        post: {
          operationId: 'syncPipelines',
          description: 'Pipelines as code from files (`gennaker sync <dir>`): every file is validated before any is applied. With a pipelinesRepo on the application the pipelines become managed by it and those it managed that are missing are deleted. 400 names each bad file and pointer (`/files/{i}/content/...`).',
          requestBody: body(ref('PipelineFiles')),
          responses: { '200': json(ref('SyncResult')), ...errors },
        },
      },
      '/api/v1/applications/{app}/pipelines-repo/sync': {
        parameters: [idParam('app', 'Application name')],
        post: { operationId: 'fetchPipelinesRepo', description: "Queues a fetch of the application's pipelinesRepo; the outcome is in the delivery log.", responses: { '202': json({ type: 'object', required: ['id', 'deliveryId'], properties: { id: { type: 'string' }, deliveryId: { type: 'string' } } }, 'Accepted'), ...errors } },
      },
      '/api/v1/trigger-deliveries': {
        get: {
          operationId: 'listTriggerDeliveries',
          description: 'The trigger debugger: each delivery, what it started and, per pipeline with a git trigger that did not fire, why.',
          parameters: [
            { name: 'application', in: 'query', schema: { type: 'string' } },
            { name: 'provider', in: 'query', schema: { type: 'string' } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } },
            { name: 'cursor', in: 'query', schema: { type: 'string' } },
          ],
          responses: { '200': json(ref('TriggerDeliveryList')), ...errors },
        },
      },
      '/api/v1/trigger-deliveries/{id}': {
        parameters: [idParam('id', 'Delivery log id')],
        get: { operationId: 'getTriggerDelivery', responses: { '200': json(ref('TriggerDelivery')), ...errors } },
      },
      '/webhooks/git/{source}': {
        parameters: [{ name: 'source', in: 'path', required: true, schema: { enum: ['github', 'gitlab', 'bitbucket'] } }],
        post: {
          operationId: 'gitWebhook',
          security: [],
          description: 'A Git host delivery, verified on its raw bytes: GitHub X-Hub-Signature-256, GitLab X-Gitlab-Token, Bitbucket X-Hub-Signature (sha256). Answered after the executions it starts are recorded.',
          requestBody: body({ type: 'object', additionalProperties: true }),
          responses: { '202': json(ref('WebhookAccepted'), 'Accepted'), '400': { $ref: '#/components/responses/BadRequest' }, '401': { $ref: '#/components/responses/Unauthorized' } },
        },
      },
      '/api/v1/applications/{app}/tasks': {
        parameters: [idParam('app', 'Application name')],
        post: { operationId: 'runOrchestration', requestBody: body(ref('Orchestration')), responses: { '202': json(ref('Accepted'), 'Accepted'), ...errors } },
      },
      '/api/v1/applications/{app}/clusters': {
        parameters: [idParam('app', 'Application name')],
        get: { operationId: 'listClusters', description: "The application's clusters and their server groups in every account and region.", responses: { '200': json({ type: 'array', items: ref('Cluster') }), ...errors } },
      },
      '/api/v1/accounts': {
        get: { operationId: 'listAccounts', responses: { '200': json({ type: 'array', items: ref('Account') }), ...errors } },
      },
      '/api/v1/pipelines': {
        post: {
          operationId: 'savePipeline',
          description: 'Creates or updates (by id, else by application and name). A stale `version` answers 409.',
          requestBody: body(ref('Pipeline')),
          responses: { '200': json(ref('StoredPipeline'), 'Updated'), '201': json(ref('StoredPipeline'), 'Created'), '409': { $ref: '#/components/responses/Conflict' }, ...errors },
        },
      },
      '/api/v1/pipelines/validate': {
        post: { operationId: 'validatePipeline', requestBody: body(ref('Pipeline')), responses: { '200': json({ type: 'object', properties: { valid: { const: true } } }), ...errors } },
      },
      '/api/v1/pipelines/{id}': {
        parameters: [idParam('id', 'Pipeline id')],
        get: { operationId: 'getPipeline', responses: { '200': json(ref('StoredPipeline')), ...errors } },
        delete: { operationId: 'deletePipeline', responses: { '204': { description: 'Deleted' }, '409': { $ref: '#/components/responses/Conflict' }, ...errors } },
      },
      '/api/v1/pipelines/{id}/history': {
        parameters: [idParam('id', 'Pipeline id')],
        get: { operationId: 'pipelineHistory', responses: { '200': json({ type: 'array', items: ref('Revision') }, 'Revisions, newest first'), ...errors } },
      },
      '/api/v1/pipelines/{id}/history/{version}/restore': {
        parameters: [idParam('id', 'Pipeline id'), { name: 'version', in: 'path', required: true, schema: { type: 'integer' } }],
        post: { operationId: 'restorePipeline', responses: { '200': json(ref('StoredPipeline')), ...errors } },
      },
      '/api/v1/pipelines/{id}/executions': {
        parameters: [idParam('id', 'Pipeline id')],
        post: { operationId: 'startExecution', requestBody: body(ref('StartExecution'), false), responses: { '202': json(ref('Accepted'), 'Accepted'), '409': { $ref: '#/components/responses/Conflict' }, ...errors } },
      },
      '/api/v1/executions': {
        get: {
          operationId: 'listExecutions',
          parameters: [
            { name: 'application', in: 'query', schema: { type: 'string' } },
            { name: 'pipelineId', in: 'query', schema: { type: 'string' } },
            { name: 'status', in: 'query', schema: { type: 'string' }, description: 'Comma-separated statuses' },
            { name: 'type', in: 'query', schema: { enum: ['PIPELINE', 'ORCHESTRATION'] } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } },
            { name: 'cursor', in: 'query', schema: { type: 'string' } },
          ],
          responses: { '200': json(ref('ExecutionList')), ...errors },
        },
      },
      '/api/v1/executions/{id}': { parameters: [idParam('id', 'Execution id')], get: { operationId: 'getExecution', responses: { '200': json(ref('Execution')), ...errors } } },
      '/api/v1/executions/{id}/events': {
        parameters: [idParam('id', 'Execution id')],
        get: { operationId: 'executionEvents', description: 'Server-sent events: `snapshot` (the execution), `status` (one per status change).', responses: { '200': { description: 'text/event-stream', content: { 'text/event-stream': { schema: { type: 'string' } } } }, ...errors } },
      },
      '/api/v1/executions/{id}/cancel': {
        parameters: [idParam('id', 'Execution id')],
        put: { operationId: 'cancelExecution', requestBody: body({ type: 'object', properties: { reason: { type: 'string' } } }, false), responses: { '202': json(ref('Execution'), 'Canceled'), '409': { $ref: '#/components/responses/Conflict' }, ...errors } },
      },
      '/api/v1/executions/{id}/pause': { parameters: [idParam('id', 'Execution id')], put: { operationId: 'pauseExecution', responses: { '202': json(ref('Execution')), '409': { $ref: '#/components/responses/Conflict' }, ...errors } } },
      '/api/v1/executions/{id}/resume': { parameters: [idParam('id', 'Execution id')], put: { operationId: 'resumeExecution', responses: { '202': json(ref('Execution')), '409': { $ref: '#/components/responses/Conflict' }, ...errors } } },
      '/api/v1/executions/{id}/stages/{stageId}': {
        parameters: [idParam('id', 'Execution id'), idParam('stageId', 'Stage id')],
        patch: { operationId: 'patchStage', description: 'Manual judgment, or skip the rest of a wait.', requestBody: body(ref('StagePatch')), responses: { '202': json(ref('Execution')), '409': { $ref: '#/components/responses/Conflict' }, ...errors } },
      },
      '/api/v1/executions/{id}/stages/{stageId}/restart': {
        parameters: [idParam('id', 'Execution id'), idParam('stageId', 'Stage id')],
        put: { operationId: 'restartStage', responses: { '202': json(ref('Execution')), '409': { $ref: '#/components/responses/Conflict' }, ...errors } },
      },
      '/api/v1/executions/{id}/stages/{stageId}/skip': {
        parameters: [idParam('id', 'Execution id'), idParam('stageId', 'Stage id')],
        put: { operationId: 'skipStage', responses: { '202': json(ref('Execution')), '409': { $ref: '#/components/responses/Conflict' }, ...errors } },
      },
      '/api/v1/canary/configs': {
        get: {
          operationId: 'listCanaryConfigs',
          parameters: [
            { name: 'application', in: 'query', schema: { type: 'string' } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } },
            { name: 'cursor', in: 'query', schema: { type: 'string' } },
          ],
          responses: { '200': json(ref('CanaryConfigList')), ...errors },
        },
        post: {
          operationId: 'saveCanaryConfig',
          description: 'Creates or replaces (by id, else by name). 400 names every bad field by pointer (weights over 100, an unknown metric source, marginal above pass, no metrics, a bad query); 409 when the name belongs to another config.',
          requestBody: body(ref('CanaryConfig')),
          responses: { '200': json(ref('StoredCanaryConfig'), 'Replaced'), '201': json(ref('StoredCanaryConfig'), 'Created'), '409': { $ref: '#/components/responses/Conflict' }, ...errors },
        },
      },
      '/api/v1/canary/configs/{id}': {
        parameters: [idParam('id', 'Canary config id')],
        get: { operationId: 'getCanaryConfig', responses: { '200': json(ref('StoredCanaryConfig')), ...errors } },
      },
      '/api/v1/canary/judge': {
        post: {
          operationId: 'judgeCanary',
          description: "A standalone judgment, as Kayenta offers: each metric's Mann-Whitney interval, estimate, two-sided p-value and classification, the group scores and the score.",
          requestBody: body(ref('CanaryJudgeRequest')),
          responses: { '200': json(ref('CanaryJudgeResult')), ...errors },
        },
      },
      '/api/v1/canary/results/{id}': {
        parameters: [idParam('id', 'Canary result id (the stage output canaryResultId)')],
        get: { operationId: 'getCanaryResult', responses: { '200': json(ref('CanaryResult')), ...errors } },
      },
      '/api/v1/me': { get: { operationId: 'me', responses: { '200': json(ref('Me')), '401': { $ref: '#/components/responses/Unauthorized' } } } },
      '/api/v1/tokens': {
        get: {
          operationId: 'listTokens',
          description: 'Admin only. Tokens and service accounts (with `sessions=true`, OIDC sessions too); never the tokens themselves.',
          parameters: [
            { name: 'sessions', in: 'query', schema: { enum: ['true', 'false'] } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } },
            { name: 'cursor', in: 'query', schema: { type: 'string' } },
          ],
          responses: { '200': json(ref('TokenList')), ...errors },
        },
        post: { operationId: 'createToken', description: 'Admin only. The token is in this answer and nowhere else.', requestBody: body(ref('TokenRequest')), responses: { '201': json(ref('TokenCreated'), 'Created'), '409': { $ref: '#/components/responses/Conflict' }, ...errors } },
      },
      '/api/v1/tokens/{id}': {
        parameters: [idParam('id', 'Token id')],
        get: { operationId: 'getToken', responses: { '200': json(ref('Token')), ...errors } },
        delete: { operationId: 'revokeToken', description: 'Admin only. Refused from the next request on.', responses: { '204': { description: 'Revoked' }, ...errors } },
      },
      '/api/v1/audit': {
        get: {
          operationId: 'listAuditEvents',
          description: 'Newest first. Admins see every event; others the events of applications they may read.',
          parameters: [
            { name: 'actor', in: 'query', schema: { type: 'string' } },
            { name: 'action', in: 'query', schema: { type: 'string' }, description: 'An action, or a prefix with .* (pipeline.*)' },
            { name: 'application', in: 'query', schema: { type: 'string' } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } },
            { name: 'cursor', in: 'query', schema: { type: 'string' } },
          ],
          responses: { '200': json(ref('AuditList')), ...errors },
        },
      },
      '/api/v1/auth': { get: { operationId: 'authInfo', security: [], responses: { '200': json(ref('AuthInfo')) } } },
      '/api/v1/auth/oidc/login': { get: { operationId: 'oidcLogin', security: [], description: 'Redirects to the OIDC provider (authorization code with PKCE).', responses: { '302': { description: 'To the provider' }, '404': { $ref: '#/components/responses/NotFound' }, '429': { description: 'Too many sign-ins from this address' } } } },
      '/api/v1/auth/oidc/callback': {
        get: { operationId: 'oidcCallback', security: [], description: 'Back from the provider: redirects to the UI at /sign-in#token=<session token>.', responses: { '302': { description: 'To the UI' }, '401': { $ref: '#/components/responses/Unauthorized' }, '429': { description: 'Too many sign-ins from this address' } } },
      },
    },
  };
}
