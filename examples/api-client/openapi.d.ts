/**
 * crm-bridge API types, generated from the served /openapi.json by openapi-typescript (tools/openapi-types).
 * Do not edit: `npm run api:types` writes this file; test/integration/api/openapi-types.int.test.ts fails when
 * it differs from what the API serves.
 */

export interface paths {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness: the process is up */
        get: operations["getHealth"];
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
        /** Prometheus metrics */
        get: operations["getMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness: Redis answers and workers are connected */
        get: operations["getReadiness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/connections": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the configured connections
         * @description Every connection this process knows: from the environment (one per provider, named after it), the sandbox, or `connections/*.yaml`; its provider, region, hosts, budget and the syncs that use it, never its credentials. With `check=true`, each is also checked with one cheap authenticated call (a source lists one record; PowerChord, which has no read endpoint, signs in when it has credentials). Nothing is written.
         */
        get: operations["listConnections"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/connections/{name}/check": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Check one connection
         * @description As `GET /v1/connections`, for one connection.
         */
        get: operations["checkConnection"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/connections/{name}/runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A connection's runs
         * @description The runs of every sync that reads from or writes to this connection, newest first, paged (`offset` up to 1000). A run reads its one source and writes to every target of its sync, so it is listed under each of them.
         */
        get: operations["listConnectionRuns"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/definitions/reload": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Reload the job and mapping files
         * @description Re-reads `jobs/` and `mappings/` and checks them as `crm-bridge check` does. Valid files are switched in at once: new runs use them, runs in progress finish on the definitions they started with, schedules follow. Invalid files change nothing: 422 lists every issue (file, line, path) and the previous definitions stay in use. The process also reloads on its own when a file changes, and on SIGHUP.
         */
        post: operations["reloadDefinitions"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jobs/{job_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Look up a job
         * @description Status (Propexo's vocabulary: PENDING, SUCCESS, PARTIAL_SUCCESS, FAILURE), progress, counts and record-level errors (paged with offset/limit).
         */
        get: operations["getJob"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/records": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Push source records through a sync now
         * @description The records are mapped with the sync's mappings and written to its targets, without reading the source.
         */
        post: operations["pushRecords"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/syncs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the syncs
         * @description Every loaded sync definition with its schedule, next scheduled run and last run; with `connection`, only the syncs that read from it or write to it. `definitions`: the hash of the job and mapping files in use, and the issues of files on disk that could not be reloaded.
         */
        get: operations["listSyncs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/syncs/{name}/cursor": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Where a sync's next run reads from
         * @description The saved cursor of the sync's source, as the instant its next run reads from. A run moves it forward when its last page is read.
         */
        get: operations["getCursor"];
        put?: never;
        /**
         * Rewind a sync's cursor
         * @description Moves the cursor back, so the next run re-reads the source from `to` (or from the start): records updated since then are read again, and only those whose mapped body differs from what the target last got are written (the diff). Refused with 409 `RUN_IN_PROGRESS` while a run of the sync is under way (its end would overwrite the cursor): rewind once it has finished. A time in the future is refused.
         */
        post: operations["rewindCursor"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/syncs/{name}/errors": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A sync's failed records
         * @description Each record of the sync that is failed now (rejected by its mapping, or refused by a target) with its last error, newest first, paged. A record that later succeeds leaves the list; `POST …/errors/retry` retries exactly these. With `connection`, only those whose last error names that connection (`target`). Each run keeps its own errors (`GET /v1/jobs/{job_id}`).
         */
        get: operations["listFailedRecords"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/syncs/{name}/errors/{source_id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Retry one failed record
         * @description Starts a run that re-reads this record at the source, maps it again and writes it (a rejected record is retried too: its mapping or data may have been fixed). 404 when the record is not failed now.
         */
        post: operations["retryRecord"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/syncs/{name}/errors/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Retry a sync's failed records
         * @description Starts a run that re-reads the records whose last attempt failed (up to 1000). 409 when there are none.
         */
        post: operations["retryFailedRecords"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/syncs/{name}/runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A sync's runs
         * @description Newest first, paged; run ledgers are kept 7 days (at most 500 per sync).
         */
        get: operations["listRuns"];
        put?: never;
        /**
         * Start a run of a sync
         * @description Reads the source from the saved cursor (or from the start with `full`), maps and pushes what changed.
         */
        post: operations["startRun"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/propexo": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Propexo webhook receiver
         * @description DATA_NEW / DATA_UPDATE of a prospect enqueue a run for that record in each sync reading its integration (202 with job_id); one naming an integration no connection reads is acknowledged with a reason (200); WRITE_OPERATION_FAILURE wakes the matching pending write; other models and integration-level events are acknowledged (200). A replayed delivery answers 200 and starts nothing.
         */
        post: operations["receivePropexoWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: never;
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {boolean} */
                        ok: true;
                    };
                };
            };
        };
    };
    getMetrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    getReadiness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        ready: boolean;
                        redis: boolean;
                        workers: number;
                    };
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        ready: boolean;
                        redis: boolean;
                        workers: number;
                    };
                };
            };
        };
    };
    listConnections: {
        parameters: {
            query?: {
                /** @description also check each connection with one cheap authenticated call */
                check?: "true" | "false";
                /** @description only the connections of this provider */
                provider?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        connections: {
                            /** @description with `?check=true`: one cheap authenticated call */
                            check?: {
                                connection: string;
                                detail: string;
                                ms: number;
                                /** @description false when the check showed the connection cannot work */
                                ok: boolean;
                                provider: string;
                                /** @description the environment variable(s) to fix when it failed */
                                setting: string | null;
                                /**
                                 * @description ok, auth_refused, unreachable, wrong_url, misconfigured, rate_limited, unverified (PowerChord with a static token) or error
                                 * @enum {string}
                                 */
                                status: "ok" | "auth_refused" | "unreachable" | "wrong_url" | "misconfigured" | "rate_limited" | "unverified" | "error";
                            };
                            /** @description `environment` (the `<PROVIDER>_*` variables), `sandbox` (a local simulator) or its file, `connections/<name>.yaml` */
                            defined_in: string;
                            /** @description the base URLs it calls, by setting (`baseUrl`, PowerChord's `leadsBaseUrl`) */
                            hosts: {
                                [key: string]: string;
                            };
                            name: string;
                            provider: string;
                            /** @description records each process writes to it at once; null: `<PROVIDER>_PUSH_CONCURRENCY`, else PUSH_CONCURRENCY */
                            push_concurrency: number | null;
                            /** @description its request budget, shared by every worker */
                            rate_limit: {
                                limit: number;
                                window_ms: number;
                            } | null;
                            /** @description the region or environment its hosts belong to (PowerChord `us`/`eu`), when the provider has one */
                            region: string | null;
                            /** @description the syncs that read from it or write to it */
                            syncs: string[];
                        }[];
                    };
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
        };
    };
    checkConnection: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        connection: string;
                        detail: string;
                        ms: number;
                        /** @description false when the check showed the connection cannot work */
                        ok: boolean;
                        provider: string;
                        /** @description the environment variable(s) to fix when it failed */
                        setting: string | null;
                        /**
                         * @description ok, auth_refused, unreachable, wrong_url, misconfigured, rate_limited, unverified (PowerChord with a static token) or error
                         * @enum {string}
                         */
                        status: "ok" | "auth_refused" | "unreachable" | "wrong_url" | "misconfigured" | "rate_limited" | "unverified" | "error";
                    };
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
        };
    };
    listConnectionRuns: {
        parameters: {
            query?: {
                limit?: number;
                offset?: number;
            };
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            counts: {
                                created: number;
                                failed: number;
                                pulled: number;
                                /** @description created + updated */
                                pushed: number;
                                rejected: number;
                                unchanged: number;
                                updated: number;
                            };
                            created_at: string;
                            finished_at: string | null;
                            job_id: string;
                            /** @enum {string} */
                            kind: "sync-run" | "records" | "retry" | "webhook" | "scheduled";
                            progress: {
                                done: number;
                                percent: number;
                                pull_done: boolean;
                                pulled: number;
                            };
                            reason: string | null;
                            /** @enum {string} */
                            status: "PENDING" | "SUCCESS" | "PARTIAL_SUCCESS" | "FAILURE";
                            sync: string;
                        }[];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
        };
    };
    reloadDefinitions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description syncs added by this reload */
                        added: string[];
                        /** @description syncs whose job file or a mapping they use changed */
                        changed: string[];
                        definitions: {
                            /** @description hash of the job and mapping files in use */
                            hash: string;
                            /** @description problems in the files on disk, which keep the previous definitions in use; empty when they are in use */
                            issues: {
                                file: string;
                                line: number | null;
                                message: string;
                                /** @description the field inside the file; empty for the file as a whole */
                                path: string;
                            }[];
                            /** @description when they were loaded */
                            loaded_at: string;
                        };
                        /** @description the hash before this reload (when it changed) */
                        previous_hash?: string;
                        /** @description syncs removed */
                        removed: string[];
                        /** @enum {string} */
                        status: "reloaded" | "unchanged";
                    };
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
            /** @description Default Response */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        definitions: {
                            /** @description hash of the job and mapping files in use */
                            hash: string;
                            /** @description problems in the files on disk, which keep the previous definitions in use; empty when they are in use */
                            issues: {
                                file: string;
                                line: number | null;
                                message: string;
                                /** @description the field inside the file; empty for the file as a whole */
                                path: string;
                            }[];
                            /** @description when they were loaded */
                            loaded_at: string;
                        };
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
        };
    };
    getJob: {
        parameters: {
            query?: {
                limit?: number;
                offset?: number;
            };
            header?: never;
            path: {
                job_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        counts: {
                            created: number;
                            failed: number;
                            pulled: number;
                            /** @description created + updated */
                            pushed: number;
                            rejected: number;
                            unchanged: number;
                            updated: number;
                        };
                        created_at: string;
                        errors: {
                            items: {
                                at: string;
                                code?: string;
                                path: string;
                                reason: string;
                                /** @description the record is no longer failed: a later write of it succeeded (or it was deleted at the source) */
                                resolved?: boolean;
                                /** @description when a later success resolved it; null while failed, or for a deletion */
                                resolvedAt?: string | null;
                                runId?: string;
                                sourceId: string;
                                target: string;
                                value?: unknown;
                            }[];
                            limit: number;
                            offset: number;
                            total: number;
                        };
                        finished_at: string | null;
                        job_id: string;
                        /** @enum {string} */
                        kind: "sync-run" | "records" | "retry" | "webhook" | "scheduled";
                        progress: {
                            done: number;
                            percent: number;
                            pull_done: boolean;
                            pulled: number;
                        };
                        reason: string | null;
                        /** @enum {string} */
                        status: "PENDING" | "SUCCESS" | "PARTIAL_SUCCESS" | "FAILURE";
                        sync: string;
                    };
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
        };
    };
    pushRecords: {
        parameters: {
            query?: never;
            header?: {
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Source records in the source provider's own shape; at most 100. */
                    records: {
                        data: {
                            [key: string]: unknown;
                        };
                        id: string;
                        /** @default null */
                        updatedAt?: string | null;
                    }[];
                    sync: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            full?: boolean;
                            /** @enum {string} */
                            kind: "sync-run" | "records" | "retry" | "webhook" | "scheduled";
                            records?: number;
                            replayed: boolean;
                            sync: string;
                        };
                        job_id: string;
                    };
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
            /** @description Default Response */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
        };
    };
    listSyncs: {
        parameters: {
            query?: {
                /** @description only the syncs reading from or writing to this connection */
                connection?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        definitions?: {
                            /** @description hash of the job and mapping files in use */
                            hash: string;
                            /** @description problems in the files on disk, which keep the previous definitions in use; empty when they are in use */
                            issues: {
                                file: string;
                                line: number | null;
                                message: string;
                                /** @description the field inside the file; empty for the file as a whole */
                                path: string;
                            }[];
                            /** @description when they were loaded */
                            loaded_at: string;
                        };
                        syncs: {
                            enabled: boolean;
                            last_run: {
                                counts: {
                                    created: number;
                                    failed: number;
                                    pulled: number;
                                    /** @description created + updated */
                                    pushed: number;
                                    rejected: number;
                                    unchanged: number;
                                    updated: number;
                                };
                                created_at: string;
                                finished_at: string | null;
                                job_id: string;
                                /** @enum {string} */
                                kind: "sync-run" | "records" | "retry" | "webhook" | "scheduled";
                                progress: {
                                    done: number;
                                    percent: number;
                                    pull_done: boolean;
                                    pulled: number;
                                };
                                reason: string | null;
                                /** @enum {string} */
                                status: "PENDING" | "SUCCESS" | "PARTIAL_SUCCESS" | "FAILURE";
                                sync: string;
                            } | null;
                            name: string;
                            next_run_at: string | null;
                            schedule: ({
                                every_ms: number;
                            } | {
                                cron: string;
                                tz: string;
                            }) | null;
                            source: {
                                connection: string;
                                provider: string;
                            };
                            targets: {
                                connection: string;
                                mapping: string;
                                mode: string;
                                provider: string;
                            }[];
                        }[];
                    };
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
        };
    };
    getCursor: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description whether the source can be read from a time on; when false (Overplane), every run reads all of it and the diff drops what did not change */
                        incremental: boolean;
                        /** @description the next run reads the records updated at or after this instant (ISO 8601); null: from the start (or, not incremental, everything) */
                        reads_from: string | null;
                        sync: string;
                    };
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
        };
    };
    rewindCursor: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description "start", or an ISO 8601 time with a zone (`2026-11-30T22:00:00Z`, `2026-11-30T23:00:00+01:00`), not in the future */
                    to: "start" | string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description whether the source can be read from a time on; when false (Overplane), every run reads all of it and the diff drops what did not change */
                        incremental: boolean;
                        /** @description where the next run would have started before the rewind */
                        previous_reads_from: string | null;
                        /** @description the next run reads the records updated at or after this instant (ISO 8601); null: from the start (or, not incremental, everything) */
                        reads_from: string | null;
                        sync: string;
                    };
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
            /** @description Default Response */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
        };
    };
    listFailedRecords: {
        parameters: {
            query?: {
                /** @description only the records whose last error is at this target connection */
                connection?: string;
                limit?: number;
                offset?: number;
            };
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            at: string;
                            code?: string;
                            path: string;
                            reason: string;
                            /** @description the record is no longer failed: a later write of it succeeded (or it was deleted at the source) */
                            resolved?: boolean;
                            /** @description when a later success resolved it; null while failed, or for a deletion */
                            resolvedAt?: string | null;
                            runId?: string;
                            sourceId: string;
                            target: string;
                            value?: unknown;
                        }[];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
        };
    };
    retryRecord: {
        parameters: {
            query?: never;
            header?: {
                "idempotency-key"?: string;
            };
            path: {
                name: string;
                source_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            full?: boolean;
                            /** @enum {string} */
                            kind: "sync-run" | "records" | "retry" | "webhook" | "scheduled";
                            records?: number;
                            replayed: boolean;
                            sync: string;
                        };
                        job_id: string;
                    };
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
            /** @description Default Response */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
        };
    };
    retryFailedRecords: {
        parameters: {
            query?: never;
            header?: {
                "idempotency-key"?: string;
            };
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            full?: boolean;
                            /** @enum {string} */
                            kind: "sync-run" | "records" | "retry" | "webhook" | "scheduled";
                            records?: number;
                            replayed: boolean;
                            sync: string;
                        };
                        job_id: string;
                    };
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
            /** @description Default Response */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
        };
    };
    listRuns: {
        parameters: {
            query?: {
                limit?: number;
                offset?: number;
            };
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            counts: {
                                created: number;
                                failed: number;
                                pulled: number;
                                /** @description created + updated */
                                pushed: number;
                                rejected: number;
                                unchanged: number;
                                updated: number;
                            };
                            created_at: string;
                            finished_at: string | null;
                            job_id: string;
                            /** @enum {string} */
                            kind: "sync-run" | "records" | "retry" | "webhook" | "scheduled";
                            progress: {
                                done: number;
                                percent: number;
                                pull_done: boolean;
                                pulled: number;
                            };
                            reason: string | null;
                            /** @enum {string} */
                            status: "PENDING" | "SUCCESS" | "PARTIAL_SUCCESS" | "FAILURE";
                            sync: string;
                        }[];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
        };
    };
    startRun: {
        parameters: {
            query?: never;
            header?: {
                "idempotency-key"?: string;
            };
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Full resync: read the whole source, not just what changed since the last run. Default false. */
                    full?: boolean;
                } | null;
            };
        };
        responses: {
            /** @description Default Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            full?: boolean;
                            /** @enum {string} */
                            kind: "sync-run" | "records" | "retry" | "webhook" | "scheduled";
                            records?: number;
                            replayed: boolean;
                            sync: string;
                        };
                        job_id: string;
                    };
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
            /** @description Default Response */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
        };
    };
    receivePropexoWebhook: {
        parameters: {
            query?: never;
            header?: {
                "propexo-signature"?: string;
            };
            path?: never;
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
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        ignored?: boolean;
                        job_id?: string | null;
                        job_ids: string[];
                        promoted?: boolean;
                        reason?: string;
                        replayed?: boolean;
                        trigger: string;
                    };
                };
            };
            /** @description Default Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        ignored?: boolean;
                        job_id?: string | null;
                        job_ids: string[];
                        promoted?: boolean;
                        reason?: string;
                        replayed?: boolean;
                        trigger: string;
                    };
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        issues?: {
                            field: string;
                            message: string;
                        }[];
                        message: string;
                    };
                };
            };
        };
    };
}
