// Generated from the OpenAPI document by tools/api-client/generate.ts. Do not edit.
/* eslint-disable */
export interface paths {
    "/api/v1/accounts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["listAccounts"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/applications": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["listApplications"];
        put?: never;
        post: operations["createApplication"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/applications/{app}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Application name */
                app: string;
            };
            cookie?: never;
        };
        get: operations["getApplication"];
        put: operations["updateApplication"];
        post?: never;
        delete: operations["deleteApplication"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/applications/{app}/clusters": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Application name */
                app: string;
            };
            cookie?: never;
        };
        /** @description The application's clusters and their server groups in every account and region. */
        get: operations["listClusters"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/applications/{app}/pipelines": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Application name */
                app: string;
            };
            cookie?: never;
        };
        get: operations["listPipelines"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/applications/{app}/pipelines-repo/sync": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Application name */
                app: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** @description Queues a fetch of the application's pipelinesRepo; the outcome is in the delivery log. */
        post: operations["fetchPipelinesRepo"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/applications/{app}/pipelines/sync": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Application name */
                app: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** @description Pipelines as code from files (`gennaker sync <dir>`): every file is validated before any is applied. With a pipelinesRepo on the application the pipelines become managed by it and those it managed that are missing are deleted. 400 names each bad file and pointer (`/files/{i}/content/...`). */
        post: operations["syncPipelines"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/applications/{app}/tasks": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Application name */
                app: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["runOrchestration"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description Newest first. Admins see every event; others the events of applications they may read. */
        get: operations["listAuditEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["authInfo"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/oidc/callback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description Back from the provider: redirects to the UI at /sign-in#token=<session token>. */
        get: operations["oidcCallback"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/oidc/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description Redirects to the OIDC provider (authorization code with PKCE). */
        get: operations["oidcLogin"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/canary/configs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["listCanaryConfigs"];
        put?: never;
        /** @description Creates or replaces (by id, else by name). 400 names every bad field by pointer (weights over 100, an unknown metric source, marginal above pass, no metrics, a bad query); 409 when the name belongs to another config. */
        post: operations["saveCanaryConfig"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/canary/configs/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Canary config id */
                id: string;
            };
            cookie?: never;
        };
        get: operations["getCanaryConfig"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/canary/judge": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** @description A standalone judgment, as Kayenta offers: each metric's Mann-Whitney interval, estimate, two-sided p-value and classification, the group scores and the score. */
        post: operations["judgeCanary"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/canary/results/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Canary result id (the stage output canaryResultId) */
                id: string;
            };
            cookie?: never;
        };
        get: operations["getCanaryResult"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/executions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["listExecutions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/executions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Execution id */
                id: string;
            };
            cookie?: never;
        };
        get: operations["getExecution"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/executions/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Execution id */
                id: string;
            };
            cookie?: never;
        };
        get?: never;
        put: operations["cancelExecution"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/executions/{id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Execution id */
                id: string;
            };
            cookie?: never;
        };
        /** @description Server-sent events: `snapshot` (the execution), `status` (one per status change). */
        get: operations["executionEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/executions/{id}/pause": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Execution id */
                id: string;
            };
            cookie?: never;
        };
        get?: never;
        put: operations["pauseExecution"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/executions/{id}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Execution id */
                id: string;
            };
            cookie?: never;
        };
        get?: never;
        put: operations["resumeExecution"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/executions/{id}/stages/{stageId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Execution id */
                id: string;
                /** @description Stage id */
                stageId: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** @description Manual judgment, or skip the rest of a wait. */
        patch: operations["patchStage"];
        trace?: never;
    };
    "/api/v1/executions/{id}/stages/{stageId}/restart": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Execution id */
                id: string;
                /** @description Stage id */
                stageId: string;
            };
            cookie?: never;
        };
        get?: never;
        put: operations["restartStage"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/executions/{id}/stages/{stageId}/skip": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Execution id */
                id: string;
                /** @description Stage id */
                stageId: string;
            };
            cookie?: never;
        };
        get?: never;
        put: operations["skipStage"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["health"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["me"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["openApi"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/pipelines": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** @description Creates or updates (by id, else by application and name). A stale `version` answers 409. */
        post: operations["savePipeline"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/pipelines/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Pipeline id */
                id: string;
            };
            cookie?: never;
        };
        get: operations["getPipeline"];
        put?: never;
        post?: never;
        delete: operations["deletePipeline"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/pipelines/{id}/executions": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Pipeline id */
                id: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["startExecution"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/pipelines/{id}/history": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Pipeline id */
                id: string;
            };
            cookie?: never;
        };
        get: operations["pipelineHistory"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/pipelines/{id}/history/{version}/restore": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Pipeline id */
                id: string;
                version: number;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["restorePipeline"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/pipelines/validate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["validatePipeline"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/schemas/pipeline.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["pipelineSchema"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/stage-types": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["listStageTypes"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description Admin only. Tokens and service accounts (with `sessions=true`, OIDC sessions too); never the tokens themselves. */
        get: operations["listTokens"];
        put?: never;
        /** @description Admin only. The token is in this answer and nowhere else. */
        post: operations["createToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tokens/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Token id */
                id: string;
            };
            cookie?: never;
        };
        get: operations["getToken"];
        put?: never;
        post?: never;
        /** @description Admin only. Refused from the next request on. */
        delete: operations["revokeToken"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/trigger-deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description The trigger debugger: each delivery, what it started and, per pipeline with a git trigger that did not fire, why. */
        get: operations["listTriggerDeliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/trigger-deliveries/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Delivery log id */
                id: string;
            };
            cookie?: never;
        };
        get: operations["getTriggerDelivery"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description Prometheus metrics of this api process (text exposition format). Needs GENNAKER_METRICS_TOKEN as a bearer token when that is set; open otherwise. Workers serve their own on GENNAKER_WORKER_METRICS_PORT. */
        get: operations["metrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhooks/git/{source}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                source: "github" | "gitlab" | "bitbucket";
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** @description A Git host delivery, verified on its raw bytes: GitHub X-Hub-Signature-256, GitLab X-Gitlab-Token, Bitbucket X-Hub-Signature (sha256). Answered after the executions it starts are recorded. */
        post: operations["gitWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        Accepted: {
            id: string;
        };
        /** @description A cloud account (credentials and other provider-specific keys are never returned). */
        Account: {
            environment: string;
            name: string;
            permissions: {
                READ?: string[];
                WRITE?: string[];
            };
            /** @enum {string} */
            provider: "aws" | "local";
            regions: string[];
        };
        Application: {
            /** Format: date-time */
            readonly createdAt?: string;
            description?: string | null;
            email?: string | null;
            name: string;
            permissions?: {
                EXECUTE?: string[];
                READ?: string[];
                WRITE?: string[];
            } | null;
            pipelinesRepo?: {
                branch?: string;
                path?: string;
                url: string;
            } | null;
            /** Format: date-time */
            readonly updatedAt?: string;
        };
        ApplicationList: {
            items: components["schemas"]["Application"][];
            nextCursor: string | null;
        };
        AuditEvent: {
            /** @description application.create|update|permissions|delete, pipeline.create|update|delete|restore|sync, execution.start|cancel|pause|resume, stage.judge|skip|restart|skip-wait, token.create|revoke */
            action: string;
            actor: string;
            application: string | null;
            details: {
                [key: string]: unknown;
            };
            id: string;
            resourceId: string | null;
            resourceType: string;
            /** Format: date-time */
            time: string;
        };
        AuditList: {
            items: components["schemas"]["AuditEvent"][];
            nextCursor: string | null;
        };
        AuthInfo: {
            authRequired: boolean;
            /** @description Where the UI sends the browser to sign in with OIDC */
            loginUrl: string | null;
            oidc: boolean;
        };
        /** @description A canary config in Kayenta's shape. Each metric has one query, `{type: 'prometheus' | 'cloudwatch' | 'local', ...}`, with templates over `${scope}`, `${location}`, `${step}`...; `classifier.groupWeights` add up to 100; scoreThresholds marginal <= pass. */
        CanaryConfig: {
            applications?: string[];
            classifier: {
                groupWeights: {
                    [key: string]: number;
                };
                scoreThresholds?: components["schemas"]["CanaryScoreThresholds"];
            };
            readonly createdTimestamp?: number;
            /** Format: date-time */
            readonly createdTimestampIso?: string;
            description?: string;
            /** @description Kept when given (a Kayenta config imported with its id); generated otherwise. */
            id?: string;
            judge?: {
                [key: string]: unknown;
            };
            metrics: ({
                analysisConfigurations?: {
                    canary?: {
                        critical?: boolean;
                        /** @enum {unknown} */
                        direction?: "increase" | "decrease" | "either";
                        /** @description Measured and reported, never scored. */
                        dryRun?: boolean;
                        effectSize?: {
                            [key: string]: unknown;
                        };
                        mustHaveData?: boolean;
                        /** @enum {unknown} */
                        nanStrategy?: "remove" | "replace";
                        outliers?: {
                            [key: string]: unknown;
                        };
                    } & {
                        [key: string]: unknown;
                    };
                };
                groups: string[];
                name: string;
                query: {
                    /** @enum {string} */
                    type: "prometheus" | "cloudwatch" | "local";
                } & {
                    [key: string]: unknown;
                };
                scopeName?: string;
            } & {
                [key: string]: unknown;
            })[];
            name: string;
            templates?: {
                [key: string]: string;
            };
            readonly updatedBy?: string | null;
            readonly updatedTimestamp?: number;
            /** Format: date-time */
            readonly updatedTimestampIso?: string;
        } & {
            [key: string]: unknown;
        };
        CanaryConfigList: {
            items: components["schemas"]["StoredCanaryConfig"][];
            nextCursor: string | null;
        };
        CanaryGroupJudgment: {
            /** @description NoData when no metric of the group counted */
            classification?: string;
            metricCount: number;
            name: string;
            score: number;
            weight: number;
        };
        CanaryInterval: {
            /**
             * @description NoData: no scored metric had data (no traffic); never counted as a pass.
             * @enum {unknown}
             */
            classification: "Pass" | "Marginal" | "Fail" | "NoData";
            confidenceLevel?: number;
            /** Format: date-time */
            endTime: string;
            groups: components["schemas"]["CanaryGroupJudgment"][];
            /** @description From 0. */
            index: number;
            /** Format: date-time */
            judgedAt: string;
            metrics: components["schemas"]["CanaryIntervalMetric"][];
            reason?: string;
            score: number;
            scoreThresholds?: components["schemas"]["CanaryScoreThresholds"];
            /** Format: date-time */
            startTime: string;
        };
        CanaryIntervalMetric: components["schemas"]["CanaryMetricJudgment"] & {
            /** @description The control values judged (one per step, gaps left out), for charts. */
            control: number[];
            experiment: number[];
            /** @description The queries as sent, templates expanded. */
            queries?: {
                control?: string;
                experiment?: string;
            } | null;
        };
        CanaryJudgeRequest: {
            /** @default 0.98 */
            confidenceLevel: number;
            config: components["schemas"]["CanaryConfig"] | string;
            metrics: {
                control: (number | null)[];
                experiment: (number | null)[];
                name: string;
            }[];
            scoreThresholds?: components["schemas"]["CanaryScoreThresholds"];
        };
        CanaryJudgeResult: {
            /** @enum {unknown} */
            classification: "Pass" | "Marginal" | "Fail" | "NoData";
            confidenceLevel?: number;
            groups: components["schemas"]["CanaryGroupJudgment"][];
            metrics: components["schemas"]["CanaryMetricJudgment"][];
            reason?: string;
            score: number;
            scoreThresholds?: components["schemas"]["CanaryScoreThresholds"];
        };
        CanaryMetricJudgment: {
            /** @enum {unknown} */
            classification: "Pass" | "High" | "Low" | "Nodata" | "NodataFailMetric" | "Error";
            controlStats?: components["schemas"]["CanaryMetricStats"];
            /** @description This metric fails the canary by itself (a critical metric that failed or had no data). */
            critical: boolean;
            /** @description The metric is configured critical. */
            criticalMetric?: boolean;
            /** @description Mean ratio experiment/control; null when a mean is 0. */
            deviation: number | null;
            dryRun?: boolean;
            effectSize?: number | null;
            /** @enum {unknown} */
            effectSizeMeasure?: "meanRatio" | "cles";
            estimate: number | null;
            experimentStats?: components["schemas"]["CanaryMetricStats"];
            groups?: string[];
            hasData?: boolean;
            /** @description Confidence interval of the location shift experiment - control. */
            interval: number[] | null;
            name: string;
            /** @description Two-sided. */
            pValue: number | null;
            reason?: string;
        };
        /** @description Descriptive statistics of the values judged (NaN, written null, when there were none). */
        CanaryMetricStats: {
            count: number;
            max: number;
            mean: number;
            median: number;
            min: number;
            std: number;
        };
        /** @description A canary run (one kayentaCanary stage) with every interval judged so far. */
        CanaryResult: {
            /** @enum {unknown} */
            analysisType?: "realTime" | "retrospective";
            application: string | null;
            /**
             * @description The verdict, once decided.
             * @enum {string|null}
             */
            classification: "Pass" | "Marginal" | "Fail" | "NoData" | null;
            /** @description The config as it was when the run started. */
            config: {
                [key: string]: unknown;
            };
            configId?: string | null;
            configName: string;
            /** @description The baseline and canary server groups, when the stage deployed them. */
            deployment?: {
                [key: string]: unknown;
            } | null;
            /** Format: date-time */
            endTime: string | null;
            executionId: string | null;
            id: string;
            intervals: components["schemas"]["CanaryInterval"][];
            /** @enum {unknown} */
            marginalAction?: "fail" | "pause";
            message?: string | null;
            pipelineName?: string;
            scopes?: {
                [key: string]: unknown;
            }[];
            /** @description The latest (finally the deciding) score. */
            score: number | null;
            scores: number[];
            scoreThresholds?: components["schemas"]["CanaryScoreThresholds"];
            stageId: string | null;
            stageName?: string;
            /** Format: date-time */
            startTime: string;
            /**
             * @description RUNNING also while a marginal canary awaits its manual judgment.
             * @enum {unknown}
             */
            status: "RUNNING" | "SUCCEEDED" | "TERMINAL" | "CANCELED";
            /** Format: date-time */
            updatedTime?: string;
            /** @description Every planned interval. */
            windows?: {
                /** Format: date-time */
                endTime: string;
                index: number;
                /** Format: date-time */
                startTime: string;
            }[];
        };
        CanaryScoreThresholds: {
            marginal: number;
            pass: number;
        };
        Cluster: {
            account: string;
            loadBalancers: {
                address: string | null;
                name: string;
                region: string;
            }[];
            /** @description Frigga cluster: app-stack-detail */
            name: string;
            /** @description Newest first */
            serverGroups: components["schemas"]["ServerGroupSummary"][];
        };
        Error: {
            error: {
                /** @enum {string} */
                code: "VALIDATION_FAILED" | "NOT_FOUND" | "CONFLICT" | "UNAUTHORIZED" | "FORBIDDEN" | "PAYLOAD_TOO_LARGE" | "RATE_LIMITED" | "UNAVAILABLE" | "INTERNAL";
                details: {
                    message: string;
                    pointer: string;
                }[];
                message: string;
            };
        };
        Execution: {
            application: string;
            /** Format: date-time */
            buildTime?: string | null;
            canceled?: boolean;
            canceledBy?: string | null;
            cancellationReason?: string | null;
            /** Format: date-time */
            endTime: string | null;
            id: string;
            name: string;
            parentExecutionId?: string | null;
            paused?: {
                [key: string]: unknown;
            } | null;
            pipelineId: string | null;
            stages: components["schemas"]["Stage"][];
            /** Format: date-time */
            startTime: string | null;
            /** @enum {string} */
            status: "NOT_STARTED" | "BUFFERED" | "RUNNING" | "PAUSED" | "SUSPENDED" | "SUCCEEDED" | "FAILED_CONTINUE" | "TERMINAL" | "CANCELED" | "STOPPED" | "SKIPPED" | "REDIRECT";
            trigger: {
                [key: string]: unknown;
            };
            /** @enum {unknown} */
            type: "PIPELINE" | "ORCHESTRATION";
        };
        ExecutionList: {
            items: components["schemas"]["ExecutionSummary"][];
            nextCursor: string | null;
        };
        /** @enum {string} */
        ExecutionStatus: "NOT_STARTED" | "BUFFERED" | "RUNNING" | "PAUSED" | "SUSPENDED" | "SUCCEEDED" | "FAILED_CONTINUE" | "TERMINAL" | "CANCELED" | "STOPPED" | "SKIPPED" | "REDIRECT";
        ExecutionSummary: {
            application: string;
            /** Format: date-time */
            buildTime?: string | null;
            /** Format: date-time */
            endTime?: string | null;
            id: string;
            name: string;
            pipelineId?: string | null;
            stages: {
                /** Format: date-time */
                endTime?: string | null;
                id?: string;
                name?: string;
                parentStageId?: string | null;
                refId?: string;
                /** Format: date-time */
                startTime?: string | null;
                /** @enum {string} */
                status?: "NOT_STARTED" | "BUFFERED" | "RUNNING" | "PAUSED" | "SUSPENDED" | "SUCCEEDED" | "FAILED_CONTINUE" | "TERMINAL" | "CANCELED" | "STOPPED" | "SKIPPED" | "REDIRECT";
                type?: string;
            }[];
            /** Format: date-time */
            startTime?: string | null;
            /** @enum {string} */
            status: "NOT_STARTED" | "BUFFERED" | "RUNNING" | "PAUSED" | "SUSPENDED" | "SUCCEEDED" | "FAILED_CONTINUE" | "TERMINAL" | "CANCELED" | "STOPPED" | "SKIPPED" | "REDIRECT";
            trigger?: {
                [key: string]: unknown;
            };
            /** @enum {unknown} */
            type?: "PIPELINE" | "ORCHESTRATION";
        };
        Health: {
            /** @enum {unknown} */
            postgres: "up" | "down";
            /** @enum {unknown} */
            redis: "up" | "down";
            /** @enum {unknown} */
            status: "ok" | "degraded";
        };
        Me: {
            admin: boolean;
            /** @enum {unknown} */
            kind?: "admin-token" | "token" | "session" | "service" | "anonymous";
            name: string;
            roles: string[];
        };
        Orchestration: {
            description?: string;
            job: ({
                type: string;
            } & {
                [key: string]: unknown;
            })[];
        };
        /** @description A pipeline in Spinnaker's JSON shape; the full schema is served at /api/v1/schemas/pipeline.json */
        Pipeline: {
            application: string;
            id?: string;
            name: string;
            parameterConfig?: {
                [key: string]: unknown;
            }[];
            stages: ({
                name?: string;
                refId: string;
                requisiteStageRefIds?: string[];
                type: string;
            } & {
                [key: string]: unknown;
            })[];
            triggers?: {
                [key: string]: unknown;
            }[];
            /** @description The version this change is based on (optimistic concurrency) */
            version?: number;
        } & {
            [key: string]: unknown;
        };
        PipelineFiles: {
            files: {
                content: string | {
                    [key: string]: unknown;
                };
                file: string;
            }[];
        };
        Revision: {
            /** @enum {unknown} */
            action: "create" | "update" | "delete" | "restore" | "sync";
            author?: string | null;
            /** Format: date-time */
            createdAt: string;
            pipeline: {
                [key: string]: unknown;
            };
            version: number;
        };
        ServerGroupSummary: {
            capacity: {
                desired: number;
                max: number;
                min: number;
            };
            /** Format: date-time */
            createdTime: string;
            /** @description Taking traffic from its load balancers */
            enabled: boolean;
            /** @description Image name (its id when it has none) */
            image: string;
            imageId: string;
            instances: {
                down: number;
                starting: number;
                total: number;
                up: number;
            };
            loadBalancers: string[];
            /** @description Frigga name: app-stack-detail-vNNN */
            name: string;
            region: string;
        };
        Stage: {
            context: {
                [key: string]: unknown;
            };
            /** Format: date-time */
            endTime: string | null;
            error?: components["schemas"]["StageError"];
            id: string;
            lastModified?: {
                /** Format: date-time */
                time?: string | null;
                user?: string;
            };
            name: string;
            outputs: {
                [key: string]: unknown;
            };
            parentStageId: string | null;
            refId: string;
            requisiteStageRefIds: string[];
            /** Format: date-time */
            startTime: string | null;
            /** @enum {string} */
            status: "NOT_STARTED" | "BUFFERED" | "RUNNING" | "PAUSED" | "SUSPENDED" | "SUCCEEDED" | "FAILED_CONTINUE" | "TERMINAL" | "CANCELED" | "STOPPED" | "SKIPPED" | "REDIRECT";
            /** @enum {string|null} */
            syntheticStageOwner: "STAGE_BEFORE" | "STAGE_AFTER" | null;
            tasks: components["schemas"]["Task"][];
            type: string;
        };
        StageError: {
            code?: string;
            details?: {
                message?: string;
                pointer?: string;
            }[];
            message: string;
            source: string;
            /** Format: date-time */
            time?: string | null;
        };
        StagePatch: {
            judgmentInput?: string;
            /** @enum {unknown} */
            judgmentStatus?: "continue" | "stop";
            /** @constant */
            skipRemainingWait?: true;
        };
        StageType: {
            aliases?: string[];
            contextSchema?: {
                [key: string]: unknown;
            };
            description?: string;
            label?: string;
            type: string;
        };
        StartExecution: {
            artifacts?: {
                [key: string]: unknown;
            }[];
            parameters?: {
                [key: string]: string | number | boolean;
            };
        };
        StoredCanaryConfig: components["schemas"]["CanaryConfig"] & Record<string, never>;
        StoredPipeline: components["schemas"]["Pipeline"] & {
            /** Format: date-time */
            createTs?: string;
            id: string;
            lastModifiedBy?: string | null;
            managedBy?: {
                branch?: string;
                file?: string;
                path?: string;
                url?: string;
            } | null;
            /** Format: date-time */
            updateTs?: string;
            version: number;
        };
        SyncOutcome: {
            application: string;
            branch?: string;
            commit?: string | null;
            created?: string[];
            deleted?: string[];
            errors?: {
                file: string;
                message: string;
                pointer: string;
            }[];
            /** Format: date-time */
            finishedAt?: string;
            message?: string;
            path?: string;
            /** @enum {unknown} */
            status: "pending" | "applied" | "failed";
            unchanged?: number;
            updated?: string[];
            url?: string;
        };
        SyncResult: {
            applied: boolean;
            created: string[];
            deleted: string[];
            deliveryId: string;
            unchanged: number;
            updated: string[];
        };
        Task: {
            attempts?: number;
            /** Format: date-time */
            endTime?: string | null;
            id: string;
            lastError?: string;
            name: string;
            /** Format: date-time */
            startTime?: string | null;
            /** @enum {string} */
            status: "NOT_STARTED" | "BUFFERED" | "RUNNING" | "PAUSED" | "SUSPENDED" | "SUCCEEDED" | "FAILED_CONTINUE" | "TERMINAL" | "CANCELED" | "STOPPED" | "SKIPPED" | "REDIRECT";
        };
        /** @description An API token, a UI session or a service account; never the token itself. */
        Token: {
            /** Format: date-time */
            createdAt: string;
            createdBy: string;
            /** Format: date-time */
            expiresAt: string | null;
            id: string;
            /** @enum {unknown} */
            kind: "token" | "service" | "session";
            /** Format: date-time */
            lastUsedAt?: string | null;
            name: string;
            /** Format: date-time */
            revokedAt: string | null;
            revokedBy?: string | null;
            roles: string[];
        };
        TokenCreated: components["schemas"]["Token"] & {
            /** @description The token (gk_...): shown this once, stored only as a hash. */
            token: string;
        };
        TokenList: {
            items: components["schemas"]["Token"][];
            nextCursor: string | null;
        };
        TokenRequest: {
            /** Format: date-time */
            expiresAt?: string | null;
            name: string;
            roles: string[];
            /** @description A service account that triggers run as (trigger.runAsUser = name); one live account per name. */
            serviceAccount?: boolean;
        };
        TriggerDelivery: {
            accepted: boolean;
            branch?: string | null;
            deliveryId: string;
            event?: string | null;
            hash?: string | null;
            id: string;
            message?: string | null;
            /** @description github, gitlab, bitbucket, or api (a sync asked through the API) */
            provider: string;
            /** Format: date-time */
            receivedAt: string;
            repository?: string | null;
            /** @enum {unknown} */
            signature: "valid" | "invalid" | "missing" | "not-required";
            skipped: {
                application: string;
                pipeline: string;
                pipelineId: string;
                reason: string;
                triggerIndex?: number;
            }[];
            started: {
                application: string;
                executionId: string;
                pipeline: string;
                pipelineId: string;
                triggerIndex?: number;
            }[];
            sync?: components["schemas"]["SyncOutcome"] | null;
        };
        TriggerDeliveryList: {
            items: components["schemas"]["TriggerDelivery"][];
            nextCursor: string | null;
        };
        WebhookAccepted: {
            deliveryId: string;
            /** @description Executions started (for a replayed delivery id: those the first delivery started) */
            executions: string[];
            /** @description Why an event started nothing (a ping, an event no trigger handles) */
            message?: string;
            replayed?: boolean;
        };
    };
    responses: {
        /** @description Invalid input; each detail names the field by JSON pointer */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Conflicts with the current state (a stale version, a finished execution...) */
        Conflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Signed in, but not allowed */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description No such resource */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Missing or invalid token */
        Unauthorized: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
    };
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    listAccounts: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Account"][];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    listApplications: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApplicationList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    createApplication: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["Application"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Application"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
        };
    };
    getApplication: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Application name */
                app: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Application"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    updateApplication: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Application name */
                app: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["Application"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Application"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    deleteApplication: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Application name */
                app: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    listClusters: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Application name */
                app: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Cluster"][];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    listPipelines: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Application name */
                app: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StoredPipeline"][];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    fetchPipelinesRepo: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Application name */
                app: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Accepted */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        deliveryId: string;
                        id: string;
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    syncPipelines: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Application name */
                app: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PipelineFiles"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SyncResult"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    runOrchestration: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Application name */
                app: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["Orchestration"];
            };
        };
        responses: {
            /** @description Accepted */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Accepted"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    listAuditEvents: {
        parameters: {
            query?: {
                /** @description An action, or a prefix with .* (pipeline.*) */
                action?: string;
                actor?: string;
                application?: string;
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    authInfo: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuthInfo"];
                };
            };
        };
    };
    oidcCallback: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description To the UI */
            302: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthorized"];
            /** @description Too many sign-ins from this address */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    oidcLogin: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description To the provider */
            302: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            404: components["responses"]["NotFound"];
            /** @description Too many sign-ins from this address */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    listCanaryConfigs: {
        parameters: {
            query?: {
                application?: string;
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CanaryConfigList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    saveCanaryConfig: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CanaryConfig"];
            };
        };
        responses: {
            /** @description Replaced */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StoredCanaryConfig"];
                };
            };
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StoredCanaryConfig"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
        };
    };
    getCanaryConfig: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Canary config id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StoredCanaryConfig"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    judgeCanary: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CanaryJudgeRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CanaryJudgeResult"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    getCanaryResult: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Canary result id (the stage output canaryResultId) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CanaryResult"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    listExecutions: {
        parameters: {
            query?: {
                application?: string;
                cursor?: string;
                limit?: number;
                pipelineId?: string;
                /** @description Comma-separated statuses */
                status?: string;
                type?: "PIPELINE" | "ORCHESTRATION";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExecutionList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    getExecution: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Execution id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Execution"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    cancelExecution: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Execution id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    reason?: string;
                };
            };
        };
        responses: {
            /** @description Canceled */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Execution"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
        };
    };
    executionEvents: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Execution id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description text/event-stream */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    pauseExecution: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Execution id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Execution"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
        };
    };
    resumeExecution: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Execution id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Execution"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
        };
    };
    patchStage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Execution id */
                id: string;
                /** @description Stage id */
                stageId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["StagePatch"];
            };
        };
        responses: {
            /** @description OK */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Execution"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
        };
    };
    restartStage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Execution id */
                id: string;
                /** @description Stage id */
                stageId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Execution"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
        };
    };
    skipStage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Execution id */
                id: string;
                /** @description Stage id */
                stageId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Execution"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
        };
    };
    health: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            /** @description A backing service is down */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
        };
    };
    me: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Me"];
                };
            };
            401: components["responses"]["Unauthorized"];
        };
    };
    openApi: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
        };
    };
    savePipeline: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["Pipeline"];
            };
        };
        responses: {
            /** @description Updated */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StoredPipeline"];
                };
            };
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StoredPipeline"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
        };
    };
    getPipeline: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Pipeline id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StoredPipeline"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    deletePipeline: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Pipeline id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
        };
    };
    startExecution: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Pipeline id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["StartExecution"];
            };
        };
        responses: {
            /** @description Accepted */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Accepted"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
        };
    };
    pipelineHistory: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Pipeline id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revisions, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Revision"][];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    restorePipeline: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Pipeline id */
                id: string;
                version: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StoredPipeline"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    validatePipeline: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["Pipeline"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @constant */
                        valid?: true;
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    pipelineSchema: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The JSON Schema of a pipeline document */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
        };
    };
    listStageTypes: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StageType"][];
                };
            };
        };
    };
    listTokens: {
        parameters: {
            query?: {
                cursor?: string;
                limit?: number;
                sessions?: "true" | "false";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    createToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TokenRequest"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenCreated"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
        };
    };
    getToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Token id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Token"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    revokeToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Token id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    listTriggerDeliveries: {
        parameters: {
            query?: {
                application?: string;
                cursor?: string;
                limit?: number;
                provider?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TriggerDeliveryList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    getTriggerDelivery: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Delivery log id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TriggerDelivery"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    metrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Prometheus text */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            /** @description The metrics token is set and was not given */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    gitWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                source: "github" | "gitlab" | "bitbucket";
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    [key: string]: unknown;
                };
            };
        };
        responses: {
            /** @description Accepted */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookAccepted"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
        };
    };
}
