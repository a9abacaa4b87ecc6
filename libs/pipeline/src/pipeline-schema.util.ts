import { STAGE_COMMON_KEYS, type StageTypeInfo } from './model';

/** Draft 2020-12, the dialect `StageTypeInfo.contextSchema` is written in (Ajv's `ajv/dist/2020`). */
export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

/** Relative on purpose: it resolves against whichever server serves the document. */
export const PIPELINE_SCHEMA_ID = '/api/v1/schemas/pipeline.json';

/**
 * Parameter names are read in expressions as `parameters.name` or `parameters['name']`, so no
 * spaces, quotes or `${}`; '-' and '.' are allowed because real Spinnaker pipelines use them.
 */
export const PARAMETER_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_.-]{0,127}$';

/** What each pattern means, for error messages (Ajv only knows the regular expression). */
export const PATTERN_HINTS: Readonly<Record<string, string>> = {
  [PARAMETER_NAME_PATTERN]:
    'must start with a letter or "_" and hold only letters, digits, "_", "-" or "." (at most 128)',
};

type Schema = Record<string, unknown>;

const string = (title: string, description: string, extra: Schema = {}): Schema => ({
  type: 'string',
  title,
  description,
  ...extra,
});
const boolean = (title: string, description: string): Schema => ({ type: 'boolean', title, description });
const integer = (title: string, description: string, extra: Schema = {}): Schema => ({
  type: 'integer',
  title,
  description,
  ...extra,
});

// Old Spinnaker exports hold numeric refIds; they are accepted and normalised to strings, and the
// number 1 and the string "1" are the same refId for the duplicate and reference checks.
const refId = (title: string, description: string): Schema => ({
  type: ['string', 'integer'],
  title,
  description,
  minLength: 1,
  minimum: 0,
});

const timeWindowRange: Schema = {
  type: 'object',
  title: 'Time range',
  description: 'A range within a day, in the window\'s time zone.',
  required: ['startHour', 'startMin', 'endHour', 'endMin'],
  additionalProperties: false,
  properties: {
    startHour: integer('Start hour', 'Hour the range opens, 0-23.', { minimum: 0, maximum: 23 }),
    startMin: integer('Start minute', 'Minute the range opens, 0-59.', { minimum: 0, maximum: 59 }),
    endHour: integer('End hour', 'Hour the range closes, 0-23.', { minimum: 0, maximum: 23 }),
    endMin: integer('End minute', 'Minute the range closes, 0-59.', { minimum: 0, maximum: 59 }),
  },
};

const notification: Schema = {
  type: 'object',
  title: 'Notification',
  description: 'Where and when to tell people about this pipeline or stage (Spinnaker\'s Echo shape).',
  required: ['type'],
  properties: {
    type: string('Channel', 'Notification type, e.g. email, slack, pubsub, googlechat.', { minLength: 1 }),
    address: string('Address', 'Recipient: an e-mail address, a Slack channel, a topic.'),
    level: string('Level', 'pipeline, stage or application.'),
    when: {
      type: 'array',
      title: 'When',
      description: 'Events that send it, e.g. pipeline.failed, stage.complete, manualJudgment.',
      items: string('Event', 'An event name, e.g. pipeline.starting, pipeline.complete, pipeline.failed.'),
    },
    message: {
      type: 'object',
      title: 'Messages',
      description: 'Custom text per event: {"pipeline.failed": {"text": "..."}}.',
      additionalProperties: {
        type: 'object',
        title: 'Message',
        description: 'The text sent for one event.',
        properties: { text: string('Text', 'Message text; may hold ${...} expressions.') },
      },
    },
  },
};

function stageSchema(stageTypes: readonly StageTypeInfo[]): Schema {
  const names = stageTypes.flatMap((t) => [t.type, ...(t.aliases ?? [])]);
  const properties: Record<(typeof STAGE_COMMON_KEYS)[number], Schema> = {
    refId: refId(
      'Reference id',
      'Unique id of the stage within the pipeline, named by other stages\' requisiteStageRefIds. A number (old exports) is read as its string.',
    ),
    type: string(
      'Stage type',
      `What the stage does. Supported: ${names.length > 0 ? names.join(', ') : 'none'}. Any other type is refused.`,
      { minLength: 1, examples: names },
    ),
    name: string('Name', 'Shown in the UI and used by #stage(\'name\') in expressions; defaults to the type.'),
    requisiteStageRefIds: {
      type: 'array',
      title: 'Depends on',
      description: 'refIds of the stages that must complete before this one starts; empty for a first stage.',
      items: refId('Required stage', 'The refId of a stage of this pipeline.'),
    },
    stageEnabled: {
      type: 'object',
      title: 'Run only if',
      description: 'When the expression evaluates to false the stage is SKIPPED.',
      required: ['expression'],
      properties: {
        type: string('Condition type', 'Always "expression".', { examples: ['expression'] }),
        expression: string('Expression', 'A condition such as parameters.env == \'prod\' (with or without ${}).'),
      },
    },
    failPipeline: boolean('Fail pipeline', 'If the stage fails, fail the pipeline (default true). false with continuePipeline false stops only this branch.'),
    continuePipeline: boolean('Continue pipeline', 'If the stage fails, mark it FAILED_CONTINUE and carry on (only when failPipeline is false).'),
    completeOtherBranchesThenFail: boolean('Complete other branches, then fail', 'If the stage fails, stop this branch, let running branches finish, then fail the pipeline.'),
    failOnFailedExpressions: boolean('Fail on failed expressions', 'Fail the stage when an expression in its context cannot be evaluated.'),
    overrideTimeout: boolean('Override timeout', 'Use stageTimeoutMs instead of the stage type\'s own timeout.'),
    stageTimeoutMs: integer('Stage timeout (ms)', 'Milliseconds before the stage fails with a timeout; a positive integer. Used when overrideTimeout is true.', { minimum: 1 }),
    restrictExecutionDuringTimeWindow: boolean('Restrict execution to a time window', 'Wait until restrictedExecutionWindow allows the stage to start.'),
    restrictedExecutionWindow: {
      type: 'object',
      title: 'Execution window',
      description: 'When the stage may start; used when restrictExecutionDuringTimeWindow is true.',
      properties: {
        whitelist: {
          type: 'array',
          title: 'Allowed ranges',
          description: 'Time ranges within a day in which the stage may start.',
          items: timeWindowRange,
        },
        days: {
          type: 'array',
          title: 'Days',
          description: 'ISO days on which the stage may start: 1 is Monday, 7 is Sunday; empty means every day.',
          items: integer('Day', 'ISO day of the week, 1 (Monday) to 7 (Sunday).', { minimum: 1, maximum: 7 }),
        },
        timeZone: string('Time zone', 'IANA time zone of the ranges, e.g. Europe/Paris; UTC when absent.'),
        jitter: {
          type: 'object',
          title: 'Jitter',
          description: 'A random delay added once the window opens, so pipelines do not all start at once.',
          properties: {
            enabled: boolean('Enabled', 'Add the random delay.'),
            minDelay: integer('Minimum delay (s)', 'Shortest delay in seconds.', { minimum: 0 }),
            maxDelay: integer('Maximum delay (s)', 'Longest delay in seconds.', { minimum: 0 }),
            skipManual: boolean('Skip for manual runs', 'No delay when a person started the pipeline.'),
          },
        },
      },
    },
    notifications: {
      type: 'array',
      title: 'Stage notifications',
      description: 'Notifications about this stage; sent when sendNotifications is true.',
      items: notification,
    },
    sendNotifications: boolean('Send notifications', 'Send the stage\'s notifications.'),
    comments: string('Comments', 'Free text shown with the stage.'),
  };

  const perType = stageTypes
    .filter((t) => t.contextSchema !== undefined)
    .map((t) => ({
      if: { properties: { type: { enum: [t.type, ...(t.aliases ?? [])] } }, required: ['type'] },
      then: contextSchemaOf(t),
    }));

  return {
    type: 'object',
    title: 'Stage',
    description:
      'One step of the pipeline. The keys below have the same meaning on every stage; every other key is the stage type\'s own context (e.g. waitTime of a wait stage).',
    required: ['refId', 'type'],
    properties,
    ...(perType.length > 0 ? { allOf: perType } : {}),
  };
}

/**
 * A type's context schema, applied to the whole stage object. Common keys are marked as known
 * (`true`) so a context schema with `additionalProperties: false` does not refuse them; they are
 * typed by the stage schema and a type cannot redefine them.
 */
function contextSchemaOf(t: StageTypeInfo): Schema {
  const { $schema: _dialect, ...schema } = t.contextSchema ?? {};
  const own = schema['properties'];
  const ownProperties = typeof own === 'object' && own !== null && !Array.isArray(own) ? own : {};
  return {
    title: `${t.label ?? t.type} context`,
    description: t.description ?? `Keys of a ${t.type} stage.`,
    ...schema,
    properties: { ...ownProperties, ...Object.fromEntries(STAGE_COMMON_KEYS.map((k) => [k, true])) },
  };
}

/**
 * The JSON Schema (draft 2020-12) of a pipeline document in Spinnaker's shape, as served at
 * `/api/v1/schemas/pipeline.json`. Spinnaker's looseness is kept: unknown keys on the pipeline
 * (updateTs, lastModifiedBy, index...), on triggers and on stages (context) are allowed. Checks a
 * schema cannot express (refIds, cycles, stage types, parameters) are done by validatePipeline.
 */
export function pipelineJsonSchema(stageTypes: readonly StageTypeInfo[]): Schema {
  assertDistinctTypes(stageTypes);
  return {
    $schema: JSON_SCHEMA_DIALECT,
    $id: PIPELINE_SCHEMA_ID,
    title: 'Gennaker pipeline',
    description:
      'A pipeline in Spinnaker\'s JSON shape. application and name are needed to save it; a file imported into an application may leave them out.',
    type: 'object',
    required: ['application', 'name', 'stages'],
    properties: {
      application: string('Application', 'The application that owns the pipeline.', { minLength: 1, maxLength: 255 }),
      name: string('Name', 'Unique within the application.', { minLength: 1, maxLength: 255 }),
      id: string('Id', 'Set by Gennaker when the pipeline is first saved; keep it to update the same pipeline.', { minLength: 1, maxLength: 255 }),
      description: string('Description', 'What the pipeline is for.'),
      disabled: boolean('Disabled', 'A disabled pipeline is never triggered.'),
      version: integer('Version', 'The stored version this document was based on; a save from an older version is refused (409).', { minimum: 0 }),
      stages: {
        type: 'array',
        title: 'Stages',
        description: 'The stages, in any order: requisiteStageRefIds makes the graph (500 at most by default).',
        items: { $ref: '#/$defs/stage' },
      },
      triggers: {
        type: 'array',
        title: 'Triggers',
        description: 'What starts the pipeline besides a person: cron, git, webhook, pipeline, jenkins, docker...',
        items: { $ref: '#/$defs/trigger' },
      },
      parameterConfig: {
        type: 'array',
        title: 'Parameters',
        description: 'Values asked for when the pipeline starts, read as parameters.name in expressions.',
        items: { $ref: '#/$defs/parameter' },
      },
      limitConcurrent: boolean(
        'Disable concurrent executions',
        'true (default): one execution runs at a time and the others wait (BUFFERED); maxConcurrentExecutions is then ignored, as in Spinnaker.',
      ),
      maxConcurrentExecutions: integer(
        'Maximum concurrent executions',
        'When limitConcurrent is false and this is above 0, at most this many executions run at once; 0 means no limit.',
        { minimum: 0 },
      ),
      keepWaitingPipelines: boolean(
        'Keep waiting executions',
        'false (default): when a new execution has to wait, older waiting ones are canceled; true: all of them wait their turn.',
      ),
      notifications: {
        type: 'array',
        title: 'Notifications',
        description: 'Notifications about the pipeline\'s executions.',
        items: notification,
      },
      expectedArtifacts: {
        type: 'array',
        title: 'Expected artifacts',
        description: 'Artifacts the pipeline expects from its trigger (or a default), referred to by id from stages.',
        items: { $ref: '#/$defs/expectedArtifact' },
      },
    },
    $defs: {
      stage: stageSchema(stageTypes),
      trigger: {
        type: 'object',
        title: 'Trigger',
        description: 'Any trigger type is stored; the keys beyond type and enabled depend on the type.',
        required: ['type'],
        properties: {
          type: string('Trigger type', 'e.g. cron, git, webhook, pipeline, jenkins, docker.', { minLength: 1 }),
          enabled: boolean('Enabled', 'Only enabled triggers start the pipeline.'),
        },
      },
      parameter: {
        type: 'object',
        title: 'Parameter',
        description: 'One pipeline parameter.',
        required: ['name'],
        properties: {
          name: string('Name', 'Read as parameters.<name>; unique within the pipeline.', { pattern: PARAMETER_NAME_PATTERN }),
          label: string('Label', 'Shown instead of the name when starting the pipeline.'),
          description: string('Description', 'Help text shown when starting the pipeline.'),
          default: {
            type: ['string', 'number', 'boolean', 'null'],
            title: 'Default',
            description: 'Value used when none is given; must be one of the options when hasOptions is true. Numbers and booleans are normalised to strings.',
          },
          required: boolean('Required', 'A value must be given (the default counts, and may be empty).'),
          hasOptions: boolean('Has options', 'The value is chosen from options.'),
          options: {
            type: 'array',
            title: 'Options',
            description: 'The values to choose from when hasOptions is true.',
            items: {
              type: 'object',
              title: 'Option',
              description: 'One allowed value.',
              required: ['value'],
              properties: {
                value: {
                  type: ['string', 'number', 'boolean'],
                  title: 'Value',
                  description: 'The value; numbers and booleans are normalised to strings.',
                },
              },
            },
          },
          pinned: boolean('Pinned', 'Always shown when starting the pipeline.'),
        },
      },
      expectedArtifact: {
        type: 'object',
        title: 'Expected artifact',
        description: 'An artifact the trigger must supply (or its default).',
        required: ['id'],
        properties: {
          id: string('Id', 'Unique within the pipeline; stages refer to the artifact by it.', { minLength: 1 }),
          displayName: string('Display name', 'Shown in the UI.'),
          matchArtifact: { type: 'object', title: 'Match', description: 'Fields an incoming artifact must match (type, name, reference...).' },
          defaultArtifact: { type: 'object', title: 'Default', description: 'Used when no incoming artifact matches and useDefaultArtifact is true.' },
          useDefaultArtifact: boolean('Use default artifact', 'Fall back to defaultArtifact.'),
          usePriorArtifact: boolean('Use prior artifact', 'Fall back to the artifact of the previous execution.'),
        },
      },
    },
  };
}

function assertDistinctTypes(stageTypes: readonly StageTypeInfo[]): void {
  const seen = new Set<string>();
  for (const t of stageTypes) {
    for (const name of [t.type, ...(t.aliases ?? [])]) {
      // A registry with two owners for one name is a programming error: refuse at start-up.
      if (seen.has(name)) throw new Error(`stage type "${name}" is declared twice`);
      seen.add(name);
    }
  }
}
