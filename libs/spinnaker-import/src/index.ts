// @gennaker/spinnaker-import: Spinnaker exports (pipelines, applications, Kayenta canary configs)
// converted to Gennaker's documents, with a report of every change, warning and problem by pointer.

export * from './import.model';
export { planImport, addProblems, sourcePointer, summarize, type ImportSummary } from './import-plan.util';
export { formatImportReport, importReportJson, type ImportAction } from './import-report.util';
export { convertPipeline, APPLICATION_NAME, SUPPORTED_TRIGGER_TYPES, SUPPORTED_NOTIFICATION_TYPES, SUPPORTED_CLOUD_PROVIDERS, type ConvertedPipeline, type PipelineConversionContext } from './pipeline-conversion.util';
export { convertApplication, looksLikeApplication, type ConvertedApplication } from './application-conversion.util';
export { convertCanaryConfig, looksLikeCanaryConfig, DEFAULT_METRIC_SOURCES, type ConvertedCanaryConfig } from './canary-config-conversion.util';
