// Generated from docs/openapi.yaml by web/scripts/gen-api-types.mjs. Do not edit.
export interface paths {
    "/api/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness and queue depth. */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/models": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The tokenizers this server can count with. */
        get: operations["listModels"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Jobs, newest first, paged. */
        get: operations["listJobs"];
        put?: never;
        /**
         * Queue a counting job.
         * @description Validates the request (paths against the library roots, tokenizer ids)
         *     and queues the job. A path that does not exist is refused with 400
         *     `FILE_NOT_FOUND` (message `paths[i]: …`) and no job is created. Answers at once: scanning folders for EPUBs
         *     happens inside the job. The `Location` header is the job's URL.
         */
        post: operations["createJob"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/process": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Compatibility alias of POST /api/jobs taking the original tool's body. */
        post: operations["processCompat"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/jobs/{job_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                job_id: components["parameters"]["JobId"];
            };
            cookie?: never;
        };
        /** The full job, with its (possibly partial) results document. */
        get: operations["getJob"];
        put?: never;
        post?: never;
        /** Remove a finished job, its events and its results. */
        delete: operations["deleteJob"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/jobs/{job_id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                job_id: components["parameters"]["JobId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel a job.
         * @description Queued → `cancelled` at once. Running → `cancel_requested`: the books
         *     in flight finish, then the job ends `cancelled` with its partial
         *     results. Cancelling twice is idempotent. A finished job answers 409
         *     `JOB_FINISHED`.
         */
        post: operations["cancelJob"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/jobs/{job_id}/results.json": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                job_id: components["parameters"]["JobId"];
            };
            cookie?: never;
        };
        /** The results document (schema 2.0) as a download; partial while the job runs. */
        get: operations["downloadResultsJson"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/jobs/{job_id}/results.csv": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                job_id: components["parameters"]["JobId"];
            };
            cookie?: never;
        };
        get: operations["downloadResultsCsv"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/jobs/{job_id}/results.md": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                job_id: components["parameters"]["JobId"];
            };
            cookie?: never;
        };
        get: operations["downloadResultsMarkdown"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/jobs/{job_id}/events": {
        parameters: {
            query?: {
                /** @description Replay events after this id (for the first connection; reconnects send the Last-Event-ID header). */
                last_event_id?: number;
            };
            header?: {
                "Last-Event-ID"?: string;
            };
            path: {
                job_id: components["parameters"]["JobId"];
            };
            cookie?: never;
        };
        /**
         * The job's Server-Sent Events stream.
         * @description Headers: `Content-Type: text/event-stream`, `Cache-Control: no-cache`,
         *     `Connection: keep-alive`, `X-Accel-Buffering: no`. The stream starts
         *     with `retry: 3000`. Every event has `id:` (increasing per job, starting
         *     at 1), `event:` (a property name of `SseEventMap`) and one line of JSON
         *     `data:` (that property's schema). A `:` heartbeat comment is sent every
         *     15 s.
         *
         *     With `Last-Event-ID` (header) or `?last_event_id=`, every stored event
         *     after that id is replayed, then the stream continues live. An unknown
         *     or trimmed id answers with response header `Last-Event-ID: earliest`
         *     and a full replay. For a finished job the replay ends with the
         *     terminal event (`completed`, `failed` or `cancelled`) and the server
         *     closes the stream. A client that stops reading is disconnected when
         *     its bounded queue overflows; it reconnects with `Last-Event-ID`.
         */
        get: operations["jobEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sse/{job_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                job_id: components["parameters"]["JobId"];
            };
            cookie?: never;
        };
        /** Alias of /api/jobs/{job_id}/events (the original tool's URL). */
        get: operations["jobEventsCompat"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Job-level events of every job on one connection.
         * @description Browsers allow only 6 HTTP/1.1 connections per host, so a job list
         *     subscribes here instead of once per job. Ids are global (not per job)
         *     and increase. Book rows are not sent here; `progress` is. Every
         *     payload carries `job_id`.
         *
         *     Without `Last-Event-ID` (header) or `?last_event_id=` the stream
         *     starts live. `0` replays the stored log from the start; any other id
         *     replays the events after it. An id the log no longer holds (trimmed
         *     progress, a deleted job's events, or never assigned) answers with
         *     response header `Last-Event-ID: earliest` and a full replay. A replay
         *     holds at most the newest 10,000 events.
         */
        get: operations["allJobEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/uploads": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Stream EPUBs into the upload area.
         * @description Either a raw body holding one EPUB (`Content-Type:
         *     application/epub+zip`, file name in `?name=` or `X-File-Name`) or
         *     `multipart/form-data` with one or more file parts (fields without a
         *     filename are ignored). The body is streamed to disk, never held whole
         *     in memory. Limits: 200 MB per file and 2 GB for the whole upload area
         *     (configurable with `--max-upload-mb` and `--max-uploads-total-mb`).
         *     A form stores all its files or none (one bad file fails the request).
         *     The answer describes the first file at the top level (the one-file
         *     shape) and lists every file in `uploads`, in form order. Each
         *     `upload_id` can be used as an entry of `JobRequest.paths`.
         */
        post: operations["uploadEpub"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/results/validate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Validate and normalise a results.json (schema 2.0, or the original tool's 1.0). */
        post: operations["validateResults"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/fs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Folders and EPUBs inside the library roots, for the folder picker.
         * @description Without `path`, lists the library roots themselves.
         */
        get: operations["listFolder"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/text": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The text of one chapter exactly as it is counted, in pages.
         * @description What `epubtok text FILE --chapter N` prints for a book inside a
         *     library root or the upload area, cut into pages of at most `limit`
         *     bytes that end on a UTF-8 character boundary. Read the next page from
         *     `next_offset` until it is null. A book that cannot be read answers
         *     400 with its own code (`EPUB_*`).
         */
        get: operations["getChapterText"];
        put?: never;
        post?: never;
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
        /**
         * @description A stable code from docs/error-codes.md (src/core/error_codes.h).
         * @example INVALID_PATH
         * @example JOB_NOT_FOUND
         * @example UNKNOWN_TOKENIZER
         */
        ErrorCode: string;
        ErrorBody: {
            error: {
                code: components["schemas"]["ErrorCode"];
                message: string;
                /**
                 * @description Code-specific. UNKNOWN_TOKENIZER: `{"valid":[ids]}`.
                 *     INVALID_SCHEMA: `{"problems":[strings]}`. Otherwise null.
                 */
                details?: null | {
                    [key: string]: unknown;
                };
            };
        };
        Health: {
            /** @constant */
            status: "ok";
            version: string;
            /** @description Whole seconds since the server started. */
            uptime_s: number;
            queue: {
                running: number;
                queued: number;
            };
        };
        Model: {
            /** @description Canonical id, e.g. "cl100k_base", "claude", "hf:org/name", "claude-api:claude-sonnet-4-5". */
            id: string;
            name: string;
            family: string;
            aliases?: string[];
            /** @description BPE, WordPiece, Unigram, WordLevel, or API for a count obtained from a vendor API */
            type?: string;
            /** @description Including special tokens; 0 when unknown (API tokenizers). */
            vocab_size: number;
            /** @description exactness == "approximate" (kept for older clients). */
            approximate: boolean;
            exactness: components["schemas"]["Exactness"];
            /** @description One line: why the counts have that exactness. */
            exactness_reason: string;
            /** @description Counting sends the text to a third party (Anthropic for claude-api:*); see docs/tokenizers.md. */
            remote: boolean;
            source: string;
            note?: string;
        };
        /**
         * @description exact: the model's own tokenizer, offline, equal to its reference implementation.
         *     exact-local-tokenizer: equal to the local tokenizer the vendor's SDK counts text with.
         *     api: the vendor's own count from its API (the text leaves this machine).
         *     approximate: a stand-in; the model's tokenizer is not available. See docs/tokenizers.md.
         * @enum {string}
         */
        Exactness: "exact" | "exact-local-tokenizer" | "api" | "approximate";
        ModelList: {
            models: components["schemas"]["Model"][];
        };
        /** @enum {string} */
        ChapterKind: "front" | "body" | "back";
        JobRequest: {
            /**
             * @description EPUB files, folders or upload ids (`upload:<id>` or the bare id).
             *     Absolute paths must lie in a library root; relative paths are
             *     resolved against the library roots in order. `..`, `~` and NUL
             *     are refused (400 INVALID_PATH); a path that resolves (after
             *     symlinks) outside every root gets 403 PATH_OUTSIDE_LIBRARY.
             */
            paths: string[];
            /** @description Ids or aliases from GET /api/models; stored as canonical ids. */
            tokenizers: string[];
            /**
             * @description Descend into sub-folders.
             * @default true
             */
            recursive?: boolean;
            /** @default [] */
            exclude?: components["schemas"]["ChapterKind"][];
            /** @default 512 */
            max_mb?: number;
            /** @default false */
            with_special?: boolean;
        };
        /** @description The original tool's body. `tokenizers` defaults to ["o200k_base"]. */
        ProcessRequest: {
            path: string;
            tokenizers?: string[];
            /** @default true */
            recursive?: boolean;
            /** @default 512 */
            maxMb?: number;
        };
        /**
         * @description `interrupted`: the server stopped while the job ran; it is resumed
         *     (status `running` again) when the server starts.
         * @enum {string}
         */
        JobStatus: "queued" | "running" | "completed" | "failed" | "cancelled" | "interrupted";
        JobLinks: {
            self: string;
            events: string;
            /** @description URL of results.json */
            results: string;
        };
        JobCreated: {
            job_id: string;
            /** @constant */
            status: "queued";
            /** @description 1 = the next job to start. */
            position: number;
            links: components["schemas"]["JobLinks"];
        };
        Progress: {
            /** @description Books finished. */
            current: number;
            /** @description Books in the job (0 until the scan is done). */
            total: number;
            /** @description 0–100, by bytes when known. */
            percent: number;
            /** @description A book in flight (or the last finished). */
            file_name: string;
            bytes_done: number;
            bytes_total: number;
            eta_s: number | null;
            /** @description On `progress` events only - when the server created the event (Unix ms); lets clients measure delivery delay. */
            ts?: number;
        };
        Job: {
            job_id: string;
            status: components["schemas"]["JobStatus"];
            cancel_requested?: boolean;
            /** @description 1-based queue position while queued, else null. */
            position?: number | null;
            created_at: string;
            started_at?: string | null;
            finished_at?: string | null;
            request: components["schemas"]["JobRequest"];
            progress: components["schemas"]["Progress"];
            /** @description Totals over the results so far. */
            summary?: components["schemas"]["Summary"];
            /** @description The results document, complete or partial. Omitted in list items. */
            results?: components["schemas"]["ResultsDocument"];
            /** @description Why the job failed, else null. */
            error?: null | components["schemas"]["JobError"];
            links: components["schemas"]["JobLinks"];
        };
        JobList: {
            /** @description Newest first; items omit `results`. */
            jobs: components["schemas"]["Job"][];
            next_cursor: string | null;
        };
        CancelResult: {
            job_id: string;
            /** @enum {string} */
            status: "cancelled" | "cancel_requested";
        };
        JobError: {
            code: components["schemas"]["ErrorCode"];
            message: string;
        };
        Upload: {
            /** @description Use in JobRequest.paths. */
            upload_id: string;
            file_name: string;
            size: number;
        };
        /** @description The first stored file (the one-file answer), plus every stored file in `uploads`. */
        UploadResult: components["schemas"]["Upload"] & {
            uploads: components["schemas"]["Upload"][];
        };
        FsEntry: {
            name: string;
            /** @description Absolute path, usable in JobRequest.paths and ?path=. */
            path: string;
            /** @enum {string} */
            kind: "dir" | "epub";
            /** @description File size (epub only). */
            size?: number;
            /** @description EPUB files directly inside (dir only). */
            epub_count?: number;
        };
        FsListing: {
            /** @description The listed folder; null when listing the roots. */
            path: string | null;
            /** @description The parent folder if it is inside a root, else null. */
            parent: string | null;
            epub_count?: number;
            entries: components["schemas"]["FsEntry"][];
        };
        /** @description Canonical tokenizer id → token count, in the requested order. */
        TokenCounts: {
            [key: string]: number;
        };
        Summary: {
            total: number;
            ok: number;
            failed: number;
            skipped: number;
            word_count: number;
            char_count: number;
            token_counts: components["schemas"]["TokenCounts"];
        };
        Chapter: {
            index?: number;
            title?: string;
            href?: string;
            kind?: components["schemas"]["ChapterKind"];
            linear?: boolean;
            excluded?: boolean;
            word_count?: number;
            char_count?: number;
            token_counts?: components["schemas"]["TokenCounts"];
            approximate_token_counts?: components["schemas"]["ApproximateTokenCounts"];
        };
        /** @description Tokenizer ids whose count in this row is approximate (a claude-api text counted in parts); absent when none. */
        ApproximateTokenCounts: string[];
        /** @description One book of the results document (docs/results-schema.md). */
        BookRow: {
            file_path: string;
            file_name: string;
            file_size?: number;
            /** @enum {string} */
            status: "ok" | "error" | "skipped";
            error?: components["schemas"]["JobError"];
            metadata?: {
                title?: string;
                authors?: {
                    name?: string;
                    file_as?: string;
                    role?: string;
                }[];
                language?: string;
                languages?: string[];
                publisher?: string;
                date?: string;
                isbn?: string;
                series?: string;
                series_index?: string;
                epub_version?: string;
            } & {
                [key: string]: unknown;
            };
            word_count?: number;
            char_count?: number;
            token_counts?: components["schemas"]["TokenCounts"];
            approximate_token_counts?: components["schemas"]["ApproximateTokenCounts"];
            chapters?: components["schemas"]["Chapter"][];
            warnings?: string[];
            processing_ms?: number;
        } & {
            [key: string]: unknown;
        };
        /** @description The results document, schema 2.0 (docs/results-schema.md). */
        ResultsDocument: {
            /** @constant */
            schema_version: "2.0";
            generated_at?: string;
            tool?: {
                name?: string;
                version?: string;
            };
            options?: {
                tokenizers?: string[];
                exclude?: string[];
                paths?: string[];
                recursive?: boolean;
                max_mb?: number;
                with_special?: boolean;
                jobs?: number;
                /** @description How exact each tokenizer's numbers are, keyed by tokenizer id (docs/tokenizers.md). */
                tokenizer_exactness?: {
                    [key: string]: {
                        exactness: components["schemas"]["Exactness"];
                        reason: string;
                    };
                };
            } & {
                [key: string]: unknown;
            };
            results: components["schemas"]["BookRow"][];
            summary: components["schemas"]["Summary"];
        } & {
            [key: string]: unknown;
        };
        QueuedEvent: {
            position: number;
        };
        StartedEvent: {
            total_books: number;
            total_bytes: number;
        };
        /**
         * @description At most one per 100 ms per job while books are counted. A change held
         *     back by that limit (a book that ended sooner) is sent when the 100 ms
         *     are up, carrying every book finished meanwhile, so each book's end is
         *     reflected by a progress event within 100 ms; a burst of small books
         *     shares one. The first progress event of a run and its last (the final
         *     totals, sent at once so a job never waits on the limit) are outside
         *     the limit.
         */
        ProgressEvent: components["schemas"]["Progress"];
        /** @description The finished book's row (with `status` and `error` when it failed). */
        BookEvent: components["schemas"]["BookRow"];
        CompletedEvent: {
            summary: components["schemas"]["Summary"];
        };
        FailedEvent: {
            error: components["schemas"]["JobError"];
        };
        CancelledEvent: {
            summary: components["schemas"]["Summary"];
        };
        InterruptedEvent: {
            books_done: number;
            /** @enum {string} */
            reason: "shutdown" | "crash";
        };
        ResumedEvent: {
            /** @description Books kept from before the restart. */
            books_done: number;
            books_remaining: number;
        };
        /**
         * @description The events that end a job's stream: exactly one of them is the last
         *     event of a finished job, and the server closes the stream after it.
         * @enum {string}
         */
        TerminalEvent: "completed" | "failed" | "cancelled";
        TextPage: {
            /** @description The book */
            path: string;
            chapter: number;
            /** @description Chapters in the book. */
            chapters: number;
            /** @description The chapter's title (empty when it has none). */
            title: string;
            /** @description Byte offset of this page. */
            offset: number;
            /** @description Bytes of the whole chapter text. */
            total_bytes: number;
            /** @description Where the next page starts; null on the last page. */
            next_offset: number | null;
            text: string;
        };
        /**
         * @description Event name → data payload of GET /api/jobs/{job_id}/events. Order of
         *     a normal run: queued*, started, (progress | book)*, then one terminal
         *     event: completed, failed or cancelled. After a restart: interrupted,
         *     resumed, then as before. Not every event is present in a stream.
         */
        SseEventMap: {
            queued?: components["schemas"]["QueuedEvent"];
            started?: components["schemas"]["StartedEvent"];
            progress?: components["schemas"]["ProgressEvent"];
            book?: components["schemas"]["BookEvent"];
            completed?: components["schemas"]["CompletedEvent"];
            failed?: components["schemas"]["FailedEvent"];
            cancelled?: components["schemas"]["CancelledEvent"];
            interrupted?: components["schemas"]["InterruptedEvent"];
            resumed?: components["schemas"]["ResumedEvent"];
        };
        GlobalEventBase: {
            job_id: string;
            status: components["schemas"]["JobStatus"];
        };
        /**
         * @description Event name → data payload of GET /api/events: the job-level events of
         *     every job, each payload being the job event's payload plus `job_id`
         *     and the job's `status` after the event. A new job appears with its
         *     first `queued` event; `deleted` is sent when a job is removed.
         */
        GlobalSseEventMap: {
            queued?: components["schemas"]["GlobalEventBase"] & components["schemas"]["QueuedEvent"];
            started?: components["schemas"]["GlobalEventBase"] & components["schemas"]["StartedEvent"];
            progress?: components["schemas"]["GlobalEventBase"] & components["schemas"]["Progress"];
            completed?: components["schemas"]["GlobalEventBase"] & components["schemas"]["CompletedEvent"];
            failed?: components["schemas"]["GlobalEventBase"] & components["schemas"]["FailedEvent"];
            cancelled?: components["schemas"]["GlobalEventBase"] & components["schemas"]["CancelledEvent"];
            interrupted?: components["schemas"]["GlobalEventBase"] & components["schemas"]["InterruptedEvent"];
            resumed?: components["schemas"]["GlobalEventBase"] & components["schemas"]["ResumedEvent"];
            deleted?: components["schemas"]["GlobalEventBase"];
        };
    };
    responses: {
        /** @description INVALID_JSON, INVALID_ARGUMENT, INVALID_PATH, UNKNOWN_TOKENIZER, INVALID_SCHEMA, FILE_NOT_FOUND (a job path that does not exist). */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorBody"];
            };
        };
        /** @description PATH_OUTSIDE_LIBRARY, or a refused Host header. */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorBody"];
            };
        };
        /** @description JOB_NOT_FOUND, FILE_NOT_FOUND. */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorBody"];
            };
        };
        /** @description The body or upload exceeds a limit (code PAYLOAD_TOO_LARGE). */
        TooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorBody"];
            };
        };
        /** @description Too many queued jobs (code QUEUE_FULL); retry later. */
        QueueFull: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorBody"];
            };
        };
    };
    parameters: {
        JobId: string;
    };
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
            /** @description The server is up. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
        };
    };
    listModels: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every registered tokenizer (vocabularies are not loaded by this call). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelList"];
                };
            };
        };
    };
    listJobs: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The `next_cursor` of the previous page. */
                cursor?: string;
                /** @description Only jobs in this state. */
                status?: components["schemas"]["JobStatus"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobList"];
                };
            };
            400: components["responses"]["BadRequest"];
        };
    };
    createJob: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["JobRequest"];
            };
        };
        responses: {
            /** @description Queued. */
            202: {
                headers: {
                    /** @description /api/jobs/{job_id} */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobCreated"];
                };
            };
            400: components["responses"]["BadRequest"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["TooLarge"];
            429: components["responses"]["QueueFull"];
        };
    };
    processCompat: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ProcessRequest"];
            };
        };
        responses: {
            /** @description Queued. */
            202: {
                headers: {
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobCreated"];
                };
            };
            400: components["responses"]["BadRequest"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["QueueFull"];
        };
    };
    getJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                job_id: components["parameters"]["JobId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The job. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            404: components["responses"]["NotFound"];
        };
    };
    deleteJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                job_id: components["parameters"]["JobId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            404: components["responses"]["NotFound"];
            /** @description The job is queued or running (code JOB_RUNNING): cancel it first. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    cancelJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                job_id: components["parameters"]["JobId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Cancelled or cancel requested. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CancelResult"];
                };
            };
            404: components["responses"]["NotFound"];
            /** @description JOB_FINISHED. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    downloadResultsJson: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                job_id: components["parameters"]["JobId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description results.json */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResultsDocument"];
                };
            };
            404: components["responses"]["NotFound"];
        };
    };
    downloadResultsCsv: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                job_id: components["parameters"]["JobId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description results.csv (RFC 4180, one row per book) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/csv": string;
                };
            };
            404: components["responses"]["NotFound"];
        };
    };
    downloadResultsMarkdown: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                job_id: components["parameters"]["JobId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description results.md */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/markdown": string;
                };
            };
            404: components["responses"]["NotFound"];
        };
    };
    jobEvents: {
        parameters: {
            query?: {
                /** @description Replay events after this id (for the first connection; reconnects send the Last-Event-ID header). */
                last_event_id?: number;
            };
            header?: {
                "Last-Event-ID"?: string;
            };
            path: {
                job_id: components["parameters"]["JobId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The event stream. */
            200: {
                headers: {
                    /** @description `earliest` when the requested id was unknown or trimmed. */
                    "Last-Event-ID"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": components["schemas"]["SseEventMap"];
                };
            };
            404: components["responses"]["NotFound"];
        };
    };
    jobEventsCompat: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                job_id: components["parameters"]["JobId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The event stream. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": components["schemas"]["SseEventMap"];
                };
            };
            404: components["responses"]["NotFound"];
        };
    };
    allJobEvents: {
        parameters: {
            query?: {
                last_event_id?: number;
            };
            header?: {
                "Last-Event-ID"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The event stream. */
            200: {
                headers: {
                    /** @description `earliest` when the requested id was unknown or trimmed. */
                    "Last-Event-ID"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": components["schemas"]["GlobalSseEventMap"];
                };
            };
        };
    };
    uploadEpub: {
        parameters: {
            query?: {
                name?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/epub+zip": string;
                "multipart/form-data": {
                    file?: string[];
                };
            };
        };
        responses: {
            /** @description Stored. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UploadResult"];
                };
            };
            400: components["responses"]["BadRequest"];
            413: components["responses"]["TooLarge"];
        };
    };
    validateResults: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": unknown;
            };
        };
        responses: {
            /** @description The document normalised to schema 2.0. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResultsDocument"];
                };
            };
            /** @description `INVALID_JSON`, or `INVALID_SCHEMA` with `details.problems` (one string per problem, each naming its JSON path). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            413: components["responses"]["TooLarge"];
        };
    };
    listFolder: {
        parameters: {
            query?: {
                /** @description A folder inside a library root (absolute, or relative to the first root). */
                path?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The folder's entries; folders first, then EPUB files, each sorted by name. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FsListing"];
                };
            };
            400: components["responses"]["BadRequest"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    getChapterText: {
        parameters: {
            query: {
                /** @description The book's `file_path` from a results document (or an upload id). */
                path: string;
                /** @description The chapter's `index` (from 0), as in results.json. */
                chapter: number;
                /** @description Byte offset into the chapter's UTF-8 text (a `next_offset`). */
                offset?: number;
                /** @description Most bytes in this page. */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of the chapter's text. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TextPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
}
type FlattenedDeepRequired<T> = {
    [K in keyof T]-?: FlattenedDeepRequired<T[K] extends unknown[] | undefined | null ? Extract<T[K], unknown[]>[number] : T[K]>;
};
type ReadonlyArray<T> = [
    Exclude<T, undefined>
] extends [
    unknown[]
] ? Readonly<Exclude<T, undefined>> : Readonly<Exclude<T, undefined>[]>;
export const exactnessValues: ReadonlyArray<FlattenedDeepRequired<components>["schemas"]["Exactness"]> = ["exact", "exact-local-tokenizer", "api", "approximate"];
export const chapterKindValues: ReadonlyArray<FlattenedDeepRequired<components>["schemas"]["ChapterKind"]> = ["front", "body", "back"];
export const jobStatusValues: ReadonlyArray<FlattenedDeepRequired<components>["schemas"]["JobStatus"]> = ["queued", "running", "completed", "failed", "cancelled", "interrupted"];
export const cancelResultStatusValues: ReadonlyArray<FlattenedDeepRequired<components>["schemas"]["CancelResult"]["status"]> = ["cancelled", "cancel_requested"];
export const fsEntryKindValues: ReadonlyArray<FlattenedDeepRequired<components>["schemas"]["FsEntry"]["kind"]> = ["dir", "epub"];
export const bookRowStatusValues: ReadonlyArray<FlattenedDeepRequired<components>["schemas"]["BookRow"]["status"]> = ["ok", "error", "skipped"];
export const interruptedEventReasonValues: ReadonlyArray<FlattenedDeepRequired<components>["schemas"]["InterruptedEvent"]["reason"]> = ["shutdown", "crash"];
export const terminalEventValues: ReadonlyArray<FlattenedDeepRequired<components>["schemas"]["TerminalEvent"]> = ["completed", "failed", "cancelled"];
