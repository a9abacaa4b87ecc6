import { ApiError, unwrap, type Execution, type StoredPipeline } from '@gennaker/api-client';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';

/** Query keys in one place, so mutations invalidate exactly what they change. */
export const keys = {
  applications: ['applications'] as const,
  application: (app: string) => ['application', app] as const,
  pipelines: (app: string) => ['pipelines', app] as const,
  pipeline: (id: string) => ['pipeline', id] as const,
  history: (id: string) => ['pipeline-history', id] as const,
  pipelineExecutions: (id: string, limit: number) => ['executions', 'pipeline', id, limit] as const,
  recentExecutions: (app: string, limit: number) => ['executions', 'recent', app, limit] as const,
  appExecutions: (app: string, cursor: string | null, type: string, pipelineId: string | null) => ['executions', 'application', app, cursor, type, pipelineId] as const,
  execution: (id: string) => ['execution', id] as const,
  stageTypes: ['stage-types'] as const,
  schema: ['pipeline-schema'] as const,
  clusters: (app: string) => ['clusters', app] as const,
  accounts: ['accounts'] as const,
  deliveries: (app: string | undefined, cursor: string | null) => ['trigger-deliveries', app ?? '', cursor] as const,
  canary: (id: string) => ['canary-result', id] as const,
};

export function useApplications() {
  return useQuery({ queryKey: keys.applications, queryFn: () => unwrap(api.GET('/api/v1/applications')) });
}

export function useApplication(app: string) {
  return useQuery({ queryKey: keys.application(app), queryFn: () => unwrap(api.GET('/api/v1/applications/{app}', { params: { path: { app } } })) });
}

export function useCreateApplication() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; email?: string; description?: string }) => unwrap(api.POST('/api/v1/applications', { body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.applications }),
  });
}

export function usePipelines(app: string) {
  return useQuery({ queryKey: keys.pipelines(app), queryFn: () => unwrap(api.GET('/api/v1/applications/{app}/pipelines', { params: { path: { app } } })) });
}

/** The last executions of one pipeline; refreshed while any is still running. */
export function usePipelineExecutions(pipelineId: string, limit: number, enabled = true) {
  return useQuery({
    queryKey: keys.pipelineExecutions(pipelineId, limit),
    queryFn: () => unwrap(api.GET('/api/v1/executions', { params: { query: { pipelineId, limit } } })),
    placeholderData: keepPreviousData,
    enabled,
    refetchInterval: (q) => (q.state.data?.items.some((e) => !isFinished(e.status)) ? 2000 : 15_000),
  });
}

/**
 * An application's latest pipeline executions in one call, fetched alongside its pipelines (not
 * after them): most pipelines find their last runs here and need no call of their own.
 */
export function useRecentApplicationExecutions(app: string, limit: number) {
  return useQuery({
    queryKey: keys.recentExecutions(app, limit),
    queryFn: () => unwrap(api.GET('/api/v1/executions', { params: { query: { application: app, type: 'PIPELINE', limit } } })),
    placeholderData: keepPreviousData,
    refetchInterval: (q) => (q.state.data?.items.some((e) => !isFinished(e.status)) ? 2000 : 15_000),
  });
}

export function useApplicationExecutions(app: string, cursor: string | null, type: 'PIPELINE' | 'ORCHESTRATION', pipelineId: string | null, limit = 25) {
  return useQuery({
    queryKey: keys.appExecutions(app, cursor, type, pipelineId),
    queryFn: () => unwrap(api.GET('/api/v1/executions', { params: { query: { application: app, type, limit, ...(cursor ? { cursor } : {}), ...(pipelineId ? { pipelineId } : {}) } } })),
    placeholderData: keepPreviousData,
    refetchInterval: 5000,
  });
}

export function usePipeline(id: string | undefined) {
  return useQuery({
    queryKey: keys.pipeline(id ?? ''),
    queryFn: () => unwrap(api.GET('/api/v1/pipelines/{id}', { params: { path: { id: id ?? '' } } })),
    enabled: id !== undefined,
    // The editor holds a draft: a background refetch must not replace what is being edited.
    refetchOnWindowFocus: false,
    staleTime: Infinity,
  });
}

export function useSavePipeline() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (pipeline: Record<string, unknown>) => unwrap(api.POST('/api/v1/pipelines', { body: pipeline as never })),
    onSuccess: (saved: StoredPipeline) => {
      qc.setQueryData(keys.pipeline(saved.id), saved);
      void qc.invalidateQueries({ queryKey: keys.pipelines(saved.application) });
      void qc.invalidateQueries({ queryKey: keys.history(saved.id) });
    },
  });
}

/** The API's own check (schema plus each stage type's rules); resolves to the details of a 400. */
export async function validateOnServer(pipeline: unknown): Promise<Array<{ pointer: string; message: string }>> {
  try {
    await unwrap(api.POST('/api/v1/pipelines/validate', { body: pipeline as never }));
    return [];
  } catch (err) {
    if (err instanceof ApiError && err.status === 400) return err.details;
    throw err;
  }
}

export function usePipelineHistory(id: string | undefined) {
  return useQuery({
    queryKey: keys.history(id ?? ''),
    queryFn: () => unwrap(api.GET('/api/v1/pipelines/{id}/history', { params: { path: { id: id ?? '' } } })),
    enabled: id !== undefined,
  });
}

export function useRestorePipeline() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id: string; version: number }) => unwrap(api.POST('/api/v1/pipelines/{id}/history/{version}/restore', { params: { path: { id: v.id, version: v.version } } })),
    onSuccess: (saved: StoredPipeline) => {
      qc.setQueryData(keys.pipeline(saved.id), saved);
      void qc.invalidateQueries({ queryKey: keys.history(saved.id) });
      void qc.invalidateQueries({ queryKey: keys.pipelines(saved.application) });
    },
  });
}

export function useStageTypes() {
  return useQuery({ queryKey: keys.stageTypes, queryFn: () => unwrap(api.GET('/api/v1/stage-types')), staleTime: Infinity });
}

export function useStartExecution() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { pipelineId: string; parameters: Record<string, string> }) =>
      unwrap(api.POST('/api/v1/pipelines/{id}/executions', { params: { path: { id: v.pipelineId } }, body: { parameters: v.parameters } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['executions'] }),
  });
}

export function useExecution(id: string) {
  return useQuery({ queryKey: keys.execution(id), queryFn: () => unwrap(api.GET('/api/v1/executions/{id}', { params: { path: { id } } })) });
}

export type ExecutionAction =
  | { kind: 'cancel'; reason?: string }
  | { kind: 'pause' }
  | { kind: 'resume' }
  | { kind: 'restart'; stageId: string }
  | { kind: 'skip'; stageId: string }
  | { kind: 'skipWait'; stageId: string }
  | { kind: 'judge'; stageId: string; judgmentStatus: 'continue' | 'stop'; judgmentInput?: string };

function runAction(id: string, a: ExecutionAction): Promise<Execution> {
  const path = { id };
  switch (a.kind) {
    case 'cancel':
      return unwrap(api.PUT('/api/v1/executions/{id}/cancel', { params: { path }, body: a.reason ? { reason: a.reason } : {} }));
    case 'pause':
      return unwrap(api.PUT('/api/v1/executions/{id}/pause', { params: { path } }));
    case 'resume':
      return unwrap(api.PUT('/api/v1/executions/{id}/resume', { params: { path } }));
    case 'restart':
      return unwrap(api.PUT('/api/v1/executions/{id}/stages/{stageId}/restart', { params: { path: { id, stageId: a.stageId } } }));
    case 'skip':
      return unwrap(api.PUT('/api/v1/executions/{id}/stages/{stageId}/skip', { params: { path: { id, stageId: a.stageId } } }));
    case 'skipWait':
      return unwrap(api.PATCH('/api/v1/executions/{id}/stages/{stageId}', { params: { path: { id, stageId: a.stageId } }, body: { skipRemainingWait: true } }));
    case 'judge':
      return unwrap(
        api.PATCH('/api/v1/executions/{id}/stages/{stageId}', {
          params: { path: { id, stageId: a.stageId } },
          body: { judgmentStatus: a.judgmentStatus, ...(a.judgmentInput ? { judgmentInput: a.judgmentInput } : {}) },
        }),
      );
  }
}

export function useExecutionAction(id: string, onActed?: () => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (a: ExecutionAction) => runAction(id, a),
    onSuccess: (e) => {
      // The answer is the execution as stored; later changes arrive through the event stream.
      if (e && typeof e === 'object' && 'stages' in e) qc.setQueryData(keys.execution(id), e);
      onActed?.();
    },
  });
}

export function useClusters(app: string) {
  return useQuery({
    queryKey: keys.clusters(app),
    queryFn: () => unwrap(api.GET('/api/v1/applications/{app}/clusters', { params: { path: { app } } })),
    // A red/black moves by the second: keep the view fresh while the page is open.
    refetchInterval: 2000,
  });
}

export function useAccounts() {
  return useQuery({ queryKey: keys.accounts, queryFn: () => unwrap(api.GET('/api/v1/accounts')), staleTime: 60_000 });
}

export function useRunTask(app: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { description: string; job: Array<Record<string, unknown> & { type: string }> }) =>
      unwrap(api.POST('/api/v1/applications/{app}/tasks', { params: { path: { app } }, body })),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: keys.clusters(app) });
      void qc.invalidateQueries({ queryKey: ['executions'] });
    },
  });
}

export function useTriggerDeliveries(app: string | undefined, cursor: string | null, limit = 25) {
  return useQuery({
    queryKey: keys.deliveries(app, cursor),
    queryFn: () => unwrap(api.GET('/api/v1/trigger-deliveries', { params: { query: { limit, ...(app ? { application: app } : {}), ...(cursor ? { cursor } : {}) } } })),
    placeholderData: keepPreviousData,
    refetchInterval: 10_000,
  });
}

export function useCanaryResult(id: string) {
  return useQuery({
    queryKey: keys.canary(id),
    queryFn: () => unwrap(api.GET('/api/v1/canary/results/{id}', { params: { path: { id } } })),
    refetchInterval: (q) => (q.state.data && ['SUCCEEDED', 'TERMINAL', 'CANCELED', 'FAILED_CONTINUE', undefined].includes(q.state.data.status) ? false : 5000),
  });
}

const FINISHED = new Set(['SUCCEEDED', 'FAILED_CONTINUE', 'TERMINAL', 'CANCELED', 'STOPPED', 'SKIPPED']);
export function isFinished(status: string): boolean {
  return FINISHED.has(status);
}
