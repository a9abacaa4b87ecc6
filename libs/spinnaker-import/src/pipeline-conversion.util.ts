// Converts one Spinnaker pipeline (Front50's JSON, as `spin pipeline get` prints it) into what
// Gennaker stores. Every edit is recorded as a change, every risk as a warning and every blocker as a
// problem, each with the pointer of the field in the exported document.

import { findExpressionSyntaxErrors } from '@gennaker/expressions';
import { resolveStageType, type StageTypeInfo } from '@gennaker/pipeline';
import { baseName, isExpression, isPlainObject, Notes, pointer, quote, walkEntries, walkStrings, type Json } from './notes.util';

/** Spinnaker application names Gennaker accepts: lower-case letters and digits (dashes split Frigga names). */
export const APPLICATION_NAME = /^[a-z][a-z0-9]{0,62}$/;

/** Trigger types Gennaker runs; others are kept disabled. */
export const SUPPORTED_TRIGGER_TYPES: readonly string[] = ['git', 'cron', 'pipeline'];

/** Notification types Gennaker sends (docs/operations.md, Notifications). */
export const SUPPORTED_NOTIFICATION_TYPES: readonly string[] = ['slack', 'googlechat', 'webhook', 'email'];

/** Cloud providers Gennaker deploys to. */
export const SUPPORTED_CLOUD_PROVIDERS: readonly string[] = ['aws', 'local'];

/** Front50's bookkeeping: Gennaker keeps its own (version, history, who changed it). */
const BOOKKEEPING: Record<string, string> = {
  updateTs: 'Front50 bookkeeping; Gennaker records its own update time and revisions',
  createTs: 'Front50 bookkeeping; Gennaker records its own creation time',
  lastModifiedBy: 'Front50 bookkeeping; Gennaker records who saved each revision',
  index: "Deck's display order; Gennaker lists pipelines by name",
  stageCounter: "Deck's refId counter; not used",
  parallel: 'every Gennaker pipeline is a graph of stages (requisiteStageRefIds)',
  appConfig: 'not used',
};

/** Subtrees that hold the user's own data (payloads, parameters), not stage settings to check. */
const USER_DATA_KEYS: ReadonlySet<string> = new Set(['payload', 'pipelineParameters', 'variables', 'customHeaders', 'parameters', 'cancelPayload', 'extendedAttributes', 'tags', 'env']);

const CI_HINT = 'run the job from a webhook stage (waitForCompletion with a status URL), or let the CI system trigger Gennaker';
const K8S_HINT = 'Gennaker deploys to AWS and to its local provider, not to Kubernetes';
const UNSUPPORTED_HINTS: Record<string, string> = {
  script: CI_HINT,
  jenkins: CI_HINT,
  travis: CI_HINT,
  wercker: CI_HINT,
  concourse: CI_HINT,
  googleCloudBuild: CI_HINT,
  awsCodeBuild: CI_HINT,
  runJob: 'a webhook stage can start and poll the job',
  deployManifest: K8S_HINT,
  deleteManifest: K8S_HINT,
  patchManifest: K8S_HINT,
  scaleManifest: K8S_HINT,
  undoRolloutManifest: K8S_HINT,
  bakeManifest: K8S_HINT,
  runJobManifest: K8S_HINT,
  findArtifactsFromResource: K8S_HINT,
  deployCloudFormation: 'deploy the stack from a webhook stage',
  createApplication: 'create applications with POST /api/v1/applications',
};

export interface PipelineConversionContext {
  /** The file (shown in messages and used to name a pipeline that has none). */
  path: string;
  stageTypes: readonly StageTypeInfo[];
  application?: string;
  allowPartial?: boolean;
  accounts?: readonly string[] | null;
}

export interface ConvertedPipeline {
  document: Json | null;
  notes: Notes;
  /** The exported index of each stage of `document`. */
  stageSourceIndex: number[];
  /** Stage names removed with --allow-partial. */
  removedStages: string[];
}

/** Converts one exported pipeline. Never throws on bad input: problems are notes. */
export function convertPipeline(input: Json, ctx: PipelineConversionContext): ConvertedPipeline {
  const notes = new Notes();
  const doc: Json = structuredClone(input);
  const none = (): ConvertedPipeline => ({ document: null, notes, stageSourceIndex: [], removedStages: [] });

  if (doc['type'] === 'templatedPipeline' || (doc['schema'] === 'v2' && doc['template'] !== undefined)) {
    notes.problem(doc['type'] === 'templatedPipeline' ? '/type' : '/schema', 'a pipeline from a managed pipeline template is not supported: export the rendered pipeline instead (spin pipeline-templates plan, or the pipeline JSON Deck shows)');
    return none();
  }
  if (!Array.isArray(doc['stages'])) {
    notes.problem('/stages', 'a pipeline needs a list of stages');
    return none();
  }

  for (const [key, why] of Object.entries(BOOKKEEPING)) {
    if (key === 'parallel' || !(key in doc)) continue;
    delete doc[key];
    notes.change(pointer(key), `removed (${why})`);
  }

  setIdentity(doc, ctx, notes);
  const stages = doc['stages'] as unknown[];
  numberStages(doc, stages, notes);
  if ('parallel' in doc) {
    delete doc['parallel'];
    notes.change('/parallel', `removed (${BOOKKEEPING['parallel']})`);
  }

  const unsupported: number[] = [];
  const targets = new Targets();
  stages.forEach((stage, i) => {
    if (!isPlainObject(stage)) return;
    const type = stage['type'];
    if (typeof type !== 'string' || type === '') return; // validation names it
    const known = resolveStageType(type, ctx.stageTypes);
    if (!known) {
      unsupported.push(i);
      return;
    }
    if (known.type !== type) {
      stage['type'] = known.type;
      notes.change(pointer('stages', i, 'type'), `${quote(type)} is called ${quote(known.type)} in Gennaker (the same stage: its settings are read as written)`);
    }
    checkStage(stage, i, ctx, notes, targets);
  });
  targets.warn(notes, ctx.accounts);

  convertTriggers(doc, notes);
  convertNotifications(doc, '', notes);
  stages.forEach((stage, i) => {
    if (isPlainObject(stage)) convertNotifications(stage, pointer('stages', i), notes);
  });
  checkExpressions(stages, notes);

  let stageSourceIndex = stages.map((_, i) => i);
  const removedStages: string[] = [];
  if (unsupported.length > 0) {
    for (const i of unsupported) {
      const stage = stages[i] as Json;
      const label = typeof stage['name'] === 'string' ? ` (${quote(stage['name'])})` : '';
      const hint = UNSUPPORTED_HINTS[String(stage['type'])];
      const message = `stage type ${quote(stage['type'])}${label} is not supported by Gennaker${hint ? `: ${hint}` : ''}`;
      if (ctx.allowPartial) notes.change(pointer('stages', i), `removed: ${message} (--allow-partial)`);
      else notes.problem(pointer('stages', i, 'type'), message);
    }
    if (ctx.allowPartial) {
      stageSourceIndex = removeStages(doc, unsupported, notes, removedStages);
    }
  }
  return { document: notes.problems.length > 0 ? null : doc, notes, stageSourceIndex, removedStages };
}

/** Application and name: a converted template has neither; Front50 names are sometimes upper-case. */
function setIdentity(doc: Json, ctx: PipelineConversionContext, notes: Notes): void {
  const app = doc['application'];
  if (typeof app !== 'string' || app === '') {
    const inferred = inferApplication(doc['stages'] as unknown[]);
    if (ctx.application) {
      doc['application'] = ctx.application;
      notes.change('/application', `set to ${quote(ctx.application)} (--application): the pipeline names none`);
    } else if (inferred.length === 1) {
      doc['application'] = inferred[0];
      notes.change('/application', `set to ${quote(inferred[0])}, the application its clusters name: the pipeline names none`);
    } else {
      notes.problem('/application', inferred.length > 1 ? `the pipeline names no application and its clusters name several (${inferred.join(', ')}): pass --application` : 'the pipeline names no application: pass --application');
    }
  } else if (app !== app.toLowerCase() && APPLICATION_NAME.test(app.toLowerCase())) {
    doc['application'] = app.toLowerCase();
    notes.change('/application', `${quote(app)} written in lower case, as Gennaker names applications`);
  }
  const finalApp = doc['application'];
  if (typeof finalApp === 'string' && finalApp !== '' && !APPLICATION_NAME.test(finalApp)) {
    notes.problem('/application', `${quote(finalApp)} is not an application name Gennaker accepts: lower-case letters and digits, starting with a letter (no dashes: they separate stack and detail in cluster names)`);
  }
  const name = doc['name'];
  if (typeof name !== 'string' || name.trim() === '') {
    const fromFile = baseName(ctx.path);
    doc['name'] = fromFile;
    notes.change('/name', `set to ${quote(fromFile)}, the file's name: the pipeline has none`);
  }
}

/** Applications the stages' clusters name (clusters[].application, moniker.app...). */
function inferApplication(stages: unknown[]): string[] {
  const found = new Set<string>();
  walkEntries(stages, (key, value) => {
    if ((key === 'application' || key === 'app') && typeof value === 'string' && value !== '' && !isExpression(value)) found.add(value.toLowerCase());
  }, USER_DATA_KEYS);
  return [...found];
}

/** refIds and requisiteStageRefIds as strings; a pipeline from before stage graphs gets numbered in order. */
function numberStages(doc: Json, stages: unknown[], notes: Notes): void {
  const records = stages.filter(isPlainObject);
  if (records.length > 0 && records.length === stages.length && records.every((s) => s['refId'] === undefined || s['refId'] === null)) {
    records.forEach((s, i) => {
      s['refId'] = String(i + 1);
      if (s['requisiteStageRefIds'] === undefined || (Array.isArray(s['requisiteStageRefIds']) && s['requisiteStageRefIds'].length === 0)) {
        s['requisiteStageRefIds'] = i === 0 ? [] : [String(i)];
      }
    });
    notes.change('/stages', `the stages had no refIds (a pipeline from before stage graphs${doc['parallel'] === false ? ', parallel: false' : ''}, which ran them in order): numbered 1 to ${records.length}, each after the one before`);
    return;
  }
  stages.forEach((s, i) => {
    if (!isPlainObject(s)) return;
    if (typeof s['refId'] === 'number') {
      notes.change(pointer('stages', i, 'refId'), `${s['refId']} written as the string "${s['refId']}"`);
      s['refId'] = String(s['refId']);
    }
    const req = s['requisiteStageRefIds'];
    if (Array.isArray(req)) {
      req.forEach((r, j) => {
        if (typeof r === 'number') {
          req[j] = String(r);
          notes.change(pointer('stages', i, 'requisiteStageRefIds', j), `${r} written as the string "${r}"`);
        }
      });
    }
  });
}

/** Where a pipeline uses clouds and accounts this install lacks: one warning per value, at its first use. */
class Targets {
  private readonly clouds = new Map<string, string[]>();
  private readonly accounts = new Map<string, string[]>();

  add(kind: 'cloud' | 'account', value: string, at: string): void {
    const map = kind === 'cloud' ? this.clouds : this.accounts;
    map.set(value, [...(map.get(value) ?? []), at]);
  }

  warn(notes: Notes, known: readonly string[] | null | undefined): void {
    const more = (ats: string[]): string => (ats.length > 1 ? ` (also ${ats.length - 1} more field${ats.length > 2 ? 's' : ''}: ${ats.slice(1, 4).join(', ')}${ats.length > 4 ? ', ...' : ''})` : '');
    for (const [value, ats] of this.clouds) {
      notes.warn(ats[0] ?? '', `cloud provider ${quote(value)}: Gennaker deploys to ${SUPPORTED_CLOUD_PROVIDERS.join(' and ')}, so stages using it fail when they run until they target one of them${more(ats)}`);
    }
    for (const [value, ats] of this.accounts) {
      notes.warn(ats[0] ?? '', `account ${quote(value)} is not configured in this install (GENNAKER_ACCOUNTS_FILE; it has ${known?.join(', ') || 'none'})${more(ats)}`);
    }
  }
}

/** Collects a supported stage's clouds and accounts; warns about canary shapes Gennaker runs differently. */
function checkStage(stage: Json, i: number, ctx: PipelineConversionContext, notes: Notes, targets: Targets): void {
  const base = pointer('stages', i);
  walkEntries(stage, (key, value, at) => {
    if (typeof value !== 'string' || value === '' || isExpression(value)) return;
    if ((key === 'cloudProvider' || key === 'cloudProviderType') && !SUPPORTED_CLOUD_PROVIDERS.includes(value)) targets.add('cloud', value, `${base}${at}`);
    if ((key === 'account' || key === 'credentials') && ctx.accounts && !ctx.accounts.includes(value)) targets.add('account', value, `${base}${at}`);
  }, USER_DATA_KEYS);
  // Rosco mapped baseOs/baseLabel to a base image; Gennaker's AWS bake is told the image itself.
  const provider = stage['cloudProviderType'] ?? stage['cloudProvider'];
  if (stage['type'] === 'bake' && (provider === undefined || provider === 'aws') && stage['baseAmi'] === undefined && stage['baseName'] === undefined) {
    notes.warn(`${base}/baseOs`, `an AWS bake needs its base image: add baseAmi (an AMI id) or baseName (an AMI name, wildcards allowed); Rosco's baseOs${typeof stage['baseOs'] === 'string' ? ` ${quote(stage['baseOs'])}` : ''} and baseLabel are not mapped to images`);
  }
  const pairs = stage['clusterPairs'];
  if (Array.isArray(pairs) && pairs.length > 1 && stage['canaryConfig'] === undefined) {
    notes.warn(`${base}/clusterPairs/1`, `${pairs.length} cluster pairs: Gennaker runs one baseline and canary pair per canary stage and refuses more when the stage starts; split it into one canary stage per region`);
  }
}

/** Trigger types Gennaker lacks are kept but disabled; Fiat's runAsUser needs a service account here first. */
function convertTriggers(doc: Json, notes: Notes): void {
  const triggers = doc['triggers'];
  if (!Array.isArray(triggers)) return;
  triggers.forEach((t, i) => {
    if (!isPlainObject(t)) return;
    const at = pointer('triggers', i);
    const type = t['type'];
    if (typeof type === 'string' && !SUPPORTED_TRIGGER_TYPES.includes(type)) {
      const what = `trigger type ${quote(type)} is not supported by Gennaker (it runs ${SUPPORTED_TRIGGER_TYPES.join(', ')} triggers)`;
      if (t['enabled'] !== false) {
        t['enabled'] = false;
        notes.change(`${at}/enabled`, `set to false: ${what}; kept so the settings are not lost`);
      } else notes.warn(`${at}/type`, `${what}; kept, disabled`);
    }
    if (type === 'git' && t['source'] === 'stash') {
      t['source'] = 'bitbucket';
      notes.change(`${at}/source`, '"stash" (Bitbucket Server) is "bitbucket" in Gennaker');
    }
    if (t['runAsUser'] !== undefined && t['runAsUser'] !== null && t['runAsUser'] !== '') {
      notes.change(`${at}/runAsUser`, `removed ${quote(t['runAsUser'])}: create that service account (POST /api/v1/tokens with serviceAccount: true) and set runAsUser again; until then the trigger runs as anonymous`);
      delete t['runAsUser'];
    }
  });
}

/** Notification types Gennaker cannot send would fail every time: removed. */
function convertNotifications(owner: Json, base: string, notes: Notes): void {
  const list = owner['notifications'];
  if (!Array.isArray(list)) return;
  const kept: unknown[] = [];
  list.forEach((n, j) => {
    const type = isPlainObject(n) ? n['type'] : undefined;
    if (typeof type === 'string' && !SUPPORTED_NOTIFICATION_TYPES.includes(type)) {
      notes.change(`${base}/notifications/${j}`, `removed: notification type ${quote(type)} is not supported (Gennaker sends ${SUPPORTED_NOTIFICATION_TYPES.join(', ')})`);
    } else kept.push(n);
  });
  if (kept.length !== list.length) owner['notifications'] = kept;
}

/** Expressions Gennaker's SpEL subset cannot run (type references, constructors, #fromUrl...). */
function checkExpressions(stages: unknown[], notes: Notes): void {
  stages.forEach((stage, i) => {
    if (!isPlainObject(stage)) return;
    for (const e of findExpressionSyntaxErrors(stage)) {
      notes.warn(`${pointer('stages', i)}${e.path}`, `expression ${quote(e.expression)} will fail: ${e.reason} (docs/reference/expressions.md lists what to write instead)`);
    }
    const enabled = stage['stageEnabled'];
    const expr = isPlainObject(enabled) ? enabled['expression'] : undefined;
    if (typeof expr === 'string' && expr !== '' && !expr.includes('${')) {
      for (const e of findExpressionSyntaxErrors(`\${${expr}}`)) {
        notes.warn(pointer('stages', i, 'stageEnabled', 'expression'), `expression ${quote(expr)} will fail: ${e.reason}`);
      }
    }
  });
}

/**
 * --allow-partial: removes the given stages, makes their dependants depend on what they depended on,
 * and disables the pipeline until someone has reviewed it. Returns the exported index of each stage kept.
 */
function removeStages(doc: Json, removed: number[], notes: Notes, removedNames: string[]): number[] {
  const stages = doc['stages'] as Json[];
  const gone = new Set(removed);
  const byRef = new Map<string, Json>();
  stages.forEach((s) => {
    if (isPlainObject(s) && typeof s['refId'] === 'string') byRef.set(s['refId'], s);
  });
  const goneRefs = new Set(removed.map((i) => String(stages[i]?.['refId'])));
  const expand = (ref: string, seen: Set<string>): string[] => {
    if (!goneRefs.has(ref)) return [ref];
    if (seen.has(ref)) return [];
    seen.add(ref);
    const req = byRef.get(ref)?.['requisiteStageRefIds'];
    return Array.isArray(req) ? req.flatMap((r) => expand(String(r), seen)) : [];
  };
  const kept: number[] = [];
  stages.forEach((s, i) => {
    if (gone.has(i)) return;
    kept.push(i);
    const req = s['requisiteStageRefIds'];
    if (!Array.isArray(req) || !req.some((r) => goneRefs.has(String(r)))) return;
    const next = [...new Set(req.flatMap((r) => expand(String(r), new Set())))];
    const label = (ref: string): string => {
      const name = byRef.get(ref)?.['name'];
      return typeof name === 'string' ? `${quote(name)} (refId ${ref})` : `refId ${ref}`;
    };
    const removedHere = req.filter((r) => goneRefs.has(String(r))).map((r) => label(String(r)));
    s['requisiteStageRefIds'] = next;
    notes.change(pointer('stages', i, 'requisiteStageRefIds'), `now ${next.length > 0 ? `after ${next.map(label).join(', ')}` : 'a first stage'}: it came after ${removedHere.join(', ')}, which was removed`);
  });
  for (const i of removed) {
    const name = stages[i]?.['name'];
    if (typeof name === 'string') removedNames.push(name);
  }
  doc['stages'] = kept.map((i) => stages[i]);
  // Expressions naming a removed stage would fail at run time.
  kept.forEach((i, j) => {
    walkStrings((doc['stages'] as Json[])[j], (text, at) => {
      for (const name of removedNames) {
        if (text.includes(`#stage('${name}')`) || text.includes(`#stage("${name}")`)) notes.warn(`${pointer('stages', i)}${at}`, `refers to stage ${quote(name)}, which was removed`);
      }
    });
  });
  if (doc['disabled'] !== true) {
    doc['disabled'] = true;
    notes.change('/disabled', 'set to true: stages were removed, so nothing starts it until someone has reviewed it and enabled it again');
  }
  return kept;
}
