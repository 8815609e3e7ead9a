// Generated from GET /openapi.json by test/integration/openapi-tools.test.ts: `npm run api:types` rewrites it.
export interface paths {
    "/articles": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Ingest a batch of articles
         * @description One result per item; one bad item never costs the good ones. Articles are deduplicated by canonical URL within the posting key: another key or feed posting the same URL stores its own article, and the digest shows them as one story.
         */
        post: operations["postArticles"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/articles/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Withdraw an article (a takedown)
         * @description Takes the article out of every stored edition (re-rendered with a note that a story was withdrawn, so later sends, the web edition and the archive no longer show it) and out of every later edition. Idempotent. Mail already delivered cannot be called back.
         */
        delete: operations["deleteArticlesId"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/articles/{id}/restore": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Restore a withdrawn article
         * @description Undoes a takedown: editions made from now on take the article again (its ingest time moves to now); editions already made keep the withdrawal. Restoring an article that is shown changes nothing (status "shown"). Allowed to keys that may withdraw it.
         */
        post: operations["postArticlesIdRestore"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/subscriptions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Subscribe (double opt-in)
         * @description The same 202 whatever the address's state; a confirmation link is mailed. A form post gets pages back.
         */
        post: operations["postSubscriptions"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The confirm page (a button; a GET confirms nothing)
         * @description The page the confirmation email links to. Link scanners follow GETs, so only its button (POST /confirm) confirms.
         */
        get: operations["getConfirm"];
        put?: never;
        /**
         * Confirm a subscription
         * @description The Confirm button: the address becomes a reader and a welcome email is sent.
         */
        post: operations["postConfirm"];
        delete?: never;
        options?: never;
        /**
         * The confirm page (a button; a GET confirms nothing) (headers only)
         * @description The status and headers GET /confirm would answer, without its body.
         */
        head: operations["headConfirm"];
        patch?: never;
        trace?: never;
    };
    "/unsubscribe": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The unsubscribe page (a button)
         * @description The page a digest's Unsubscribe link opens. Link scanners follow GETs, so only its button (POST /unsubscribe) unsubscribes.
         */
        get: operations["getUnsubscribe"];
        put?: never;
        /**
         * Unsubscribe (RFC 8058 one-click); idempotent
         * @description The page's button, and the one-click request a mailbox provider sends from the List-Unsubscribe-Post header. The token says who; the body is not read, so none is needed (providers send List-Unsubscribe=One-Click).
         */
        post: operations["postUnsubscribe"];
        delete?: never;
        options?: never;
        /**
         * The unsubscribe page (a button) (headers only)
         * @description The status and headers GET /unsubscribe would answer, without its body.
         */
        head: operations["headUnsubscribe"];
        patch?: never;
        trace?: never;
    };
    "/preferences": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The preference centre
         * @description Send hour, time zone, frequency and topics, with buttons to download or erase the reader's data and to sign out of every link mailed so far.
         */
        get: operations["getPreferences"];
        put?: never;
        /**
         * Save preferences, download or erase the reader's data, or sign out of old links
         * @description The preference centre's form; `action` picks what it does. Signing out revokes every link mailed so far and redirects to a fresh one.
         */
        post: operations["postPreferences"];
        delete?: never;
        options?: never;
        /**
         * The preference centre (headers only)
         * @description The status and headers GET /preferences would answer, without its body.
         */
        head: operations["headPreferences"];
        patch?: never;
        trace?: never;
    };
    "/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The subscribe page
         * @description The form that posts to POST /subscriptions.
         */
        get: operations["get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        /**
         * The subscribe page (headers only)
         * @description The status and headers GET / would answer, without its body.
         */
        head: operations["head"];
        patch?: never;
        trace?: never;
    };
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Liveness
         * @description Answers without touching the tables: for load balancers and uptime checks.
         */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        /**
         * Liveness (headers only)
         * @description The status and headers GET /health would answer, without its body.
         */
        head: operations["headHealth"];
        patch?: never;
        trace?: never;
    };
    "/editions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The archive: the 31 newest editions
         * @description Links to the web version of each edition, newest first.
         */
        get: operations["getEditions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        /**
         * The archive: the 31 newest editions (headers only)
         * @description The status and headers GET /editions would answer, without its body.
         */
        head: operations["headEditions"];
        patch?: never;
        trace?: never;
    };
    "/editions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The web version of one edition
         * @description The edition as mailed, to read in a browser; withdrawn stories are gone from it.
         */
        get: operations["getEditionsId"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        /**
         * The web version of one edition (headers only)
         * @description The status and headers GET /editions/{id} would answer, without its body.
         */
        head: operations["headEditionsId"];
        patch?: never;
        trace?: never;
    };
    "/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * This document
         * @description Generated from the route table and the schemas that validate requests, with this deployment as its server.
         */
        get: operations["getOpenapiJson"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        /**
         * This document (headers only)
         * @description The status and headers GET /openapi.json would answer, without its body.
         */
        head: operations["headOpenapiJson"];
        patch?: never;
        trace?: never;
    };
    "/c/{token}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A story link of a digest (click tracking)
         * @description Redirects to the story's URL as the stored edition has it; the link names a story of an edition, never a URL, so no other address can come out. The click is counted later, off this path: not a HEAD, not a GET sooner than 30 s after the digest was sent, and not several links of one digest within seconds (mail scanners). With CLICK_TRACKING=off digests link to articles directly.
         */
        get: operations["getCToken"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        /**
         * A story link of a digest (click tracking) (headers only)
         * @description The status and headers GET /c/{token} would answer, without its body.
         */
        head: operations["headCToken"];
        patch?: never;
        trace?: never;
    };
    "/sources": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List feed sources and their health
         * @description Every source with its state (active, paused, failing, disabled), its failures in a row and when it is polled next.
         */
        get: operations["getSources"];
        put?: never;
        /**
         * Add a feed source (RSS, Atom or JSON Feed)
         * @description Polled every 15 minutes into the articles. Adding a URL that is already a source changes nothing and answers 200 saying so.
         */
        post: operations["postSources"];
        delete?: never;
        options?: never;
        /**
         * List feed sources and their health (headers only)
         * @description The status and headers GET /sources would answer, without its body.
         */
        head: operations["headSources"];
        patch?: never;
        trace?: never;
    };
    "/sources/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Remove a feed source (its articles stay)
         * @description It is no longer polled; articles already ingested from it stay in the editions.
         */
        delete: operations["deleteSourcesId"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/sends/{id}/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One send's results
         * @description What one send (an hourly slot run or a send-now, across its topic variants) did: sent, delivered, permanent and transient bounces, complaints, unsubscribes, and clicks in all and per story. The same report as `digest sends stats SEND --json`.
         */
        get: operations["getSendsIdStats"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        /**
         * One send's results (headers only)
         * @description The status and headers GET /sends/{id}/stats would answer, without its body.
         */
        head: operations["headSendsIdStats"];
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        Error: {
            error: {
                /** @description machine-readable, e.g. validation_failed, unauthorized, not_found */
                code: string;
                message: string;
                /** @description for validation_failed: each field and what is wrong with it */
                details?: {
                    field: string;
                    message: string;
                }[];
            };
        };
        GatewayThrottle: {
            /** @constant */
            message: "Too Many Requests";
        };
    };
    responses: {
        /** @description no valid x-api-key */
        Unauthorized: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description the key lacks the scope this route needs */
        Forbidden: {
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
    postArticles: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "articles": [
                 *         {
                 *           "title": "Rates held",
                 *           "body": "The central bank held rates at 4%.",
                 *           "source": "Example News",
                 *           "url": "https://news.example/rates"
                 *         }
                 *       ]
                 *     }
                 */
                "application/json": {
                    articles: {
                        title: string;
                        body?: string | null;
                        summary?: string | null;
                        url?: string | null;
                        source: string;
                        publishedAt?: (string) | null;
                        topics?: string[] | null;
                        language?: string | null;
                        imageUrl?: string | null;
                        guid?: string | null;
                    }[];
                };
            };
        };
        responses: {
            /** @description the batch report */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description one per article, in the order sent */
                        results: ({
                            index: number;
                            /** @enum {string} */
                            status: "created" | "duplicate";
                            id: string;
                            /** @constant */
                            truncated?: true;
                        } | {
                            index: number;
                            /** @constant */
                            status: "rejected";
                            errors: {
                                field: string;
                                message: string;
                            }[];
                        } | {
                            index: number;
                            /** @constant */
                            status: "failed";
                            id: string;
                            errors: {
                                field: string;
                                message: string;
                            }[];
                        })[];
                        counts: {
                            created: number;
                            duplicate: number;
                            rejected: number;
                            failed: number;
                        };
                    };
                };
            };
            /** @description the body is not a batch */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            /** @description the x-api-key lacks the "ingest" scope */
            403: components["responses"]["Forbidden"];
            /** @description the body is over 1024 KB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests: over the key's requests per minute (an Error, with Retry-After); or over the API's own throttle: API Gateway answers before any function runs, with its body {"message":"Too Many Requests"}. */
            429: {
                headers: {
                    /** @description seconds until the next minute, when the key may ask again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayThrottle"];
                };
            };
        };
    };
    deleteArticlesId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the article id that POST /articles returned (64 hex digits) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description withdrawn; the editions it was taken out of */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /** @constant */
                        status: "withdrawn";
                        withdrawnAt: string;
                        editions: string[];
                    };
                };
            };
            /** @description not an article id */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            /** @description the x-api-key lacks the "takedown" scope, or "ingest" for an article it posted */
            403: components["responses"]["Forbidden"];
            /** @description no article with that id */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the body is over 8 KB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests: over the key's requests per minute (an Error, with Retry-After); or over the API's own throttle: API Gateway answers before any function runs, with its body {"message":"Too Many Requests"}. */
            429: {
                headers: {
                    /** @description seconds until the next minute, when the key may ask again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayThrottle"];
                };
            };
        };
    };
    postArticlesIdRestore: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the article id that POST /articles returned (64 hex digits) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description restored, or already shown */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /** @enum {string} */
                        status: "restored" | "shown";
                        ingestedAt: string;
                    };
                };
            };
            /** @description not an article id */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            /** @description the x-api-key lacks the "takedown" scope, or "ingest" for an article it posted */
            403: components["responses"]["Forbidden"];
            /** @description no article with that id */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the body is over 8 KB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests: over the key's requests per minute (an Error, with Retry-After); or over the API's own throttle: API Gateway answers before any function runs, with its body {"message":"Too Many Requests"}. */
            429: {
                headers: {
                    /** @description seconds until the next minute, when the key may ask again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayThrottle"];
                };
            };
        };
    };
    postSubscriptions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "email": "reader@example.com",
                 *       "timezone": "Europe/London",
                 *       "sendHour": 7,
                 *       "topics": [
                 *         "science"
                 *       ]
                 *     }
                 */
                "application/json": {
                    /**
                     * Format: idn-email
                     * @description An address; an internationalised domain is stored in punycode. At most 64 bytes before the @ and 254 in all.
                     */
                    email: string;
                    timezone?: string;
                    sendHour?: number | string;
                    topics?: string[] | string;
                    website?: string;
                };
                /**
                 * @example {
                 *       "email": "reader@example.com",
                 *       "timezone": "Europe/London",
                 *       "sendHour": 7,
                 *       "topics": [
                 *         "science"
                 *       ]
                 *     }
                 */
                "application/x-www-form-urlencoded": {
                    /**
                     * Format: idn-email
                     * @description An address; an internationalised domain is stored in punycode. At most 64 bytes before the @ and 254 in all.
                     */
                    email: string;
                    timezone?: string;
                    sendHour?: number | string;
                    topics?: string[] | string;
                    website?: string;
                };
            };
        };
        responses: {
            /** @description accepted (JSON, or the check-your-inbox page for a form) */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @constant */
                        status: "pending";
                        message: string;
                    };
                    "text/html": string;
                };
            };
            /** @description an invalid field (a form gets the form again beside it) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                    "text/html": string;
                };
            };
            /** @description the body is over 8 KB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                    "text/html": string;
                };
            };
            /** @description Too many requests: too many requests from this address (an Error); or over the API's own throttle: API Gateway answers before any function runs, with its body {"message":"Too Many Requests"}. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayThrottle"];
                    "text/html": string;
                };
            };
        };
    };
    getConfirm: {
        parameters: {
            query: {
                /** @description the signed confirm token from the emailed link */
                token: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the page with the Confirm button */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description the link is malformed, forged or for another page */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description nobody is subscribed under this link any more */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description the link has expired or was revoked */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description the body is over 8 KB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                    "text/html": string;
                };
            };
            /** @description Too many requests: over the API's own throttle: API Gateway answers before any function runs, with its body {"message":"Too Many Requests"}. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GatewayThrottle"];
                };
            };
        };
    };
    postConfirm: {
        parameters: {
            query: {
                /** @description the signed confirm token from the emailed link */
                token: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description confirmed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description the link is malformed, forged or for another page */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description nobody is subscribed under this link any more */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description nothing waits for confirmation */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description the request or link has expired, or was revoked */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description the body is over 8 KB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                    "text/html": string;
                };
            };
            /** @description Too many requests: over the API's own throttle: API Gateway answers before any function runs, with its body {"message":"Too Many Requests"}. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GatewayThrottle"];
                };
            };
        };
    };
    headConfirm: {
        parameters: {
            query: {
                /** @description the signed confirm token from the emailed link */
                token: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the page with the Confirm button */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the link is malformed, forged or for another page */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description nobody is subscribed under this link any more */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the link has expired or was revoked */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the body is over 8 KB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Too many requests: over the API's own throttle: API Gateway answers before any function runs, with its body {"message":"Too Many Requests"}. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    getUnsubscribe: {
        parameters: {
            query: {
                /** @description the signed unsubscribe token from the emailed link */
                token: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the page with the Unsubscribe button */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description the link is malformed, forged or for another page */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description nobody is subscribed under this link any more */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description the link has expired or was revoked */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description the body is over 8 KB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                    "text/html": string;
                };
            };
            /** @description Too many requests: over the API's own throttle: API Gateway answers before any function runs, with its body {"message":"Too Many Requests"}. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GatewayThrottle"];
                };
            };
        };
    };
    postUnsubscribe: {
        parameters: {
            query: {
                /** @description the signed unsubscribe token from the emailed link */
                token: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                /**
                 * @example {
                 *       "List-Unsubscribe": "One-Click"
                 *     }
                 */
                "application/x-www-form-urlencoded": {
                    /** @constant */
                    "List-Unsubscribe"?: "One-Click";
                };
            };
        };
        responses: {
            /** @description unsubscribed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description the link is malformed, forged or for another page */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description nobody is subscribed under this link any more */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description the link has expired or was revoked */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description the body is over 8 KB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                    "text/html": string;
                };
            };
            /** @description Too many requests: over the API's own throttle: API Gateway answers before any function runs, with its body {"message":"Too Many Requests"}. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GatewayThrottle"];
                };
            };
        };
    };
    headUnsubscribe: {
        parameters: {
            query: {
                /** @description the signed unsubscribe token from the emailed link */
                token: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the page with the Unsubscribe button */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the link is malformed, forged or for another page */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description nobody is subscribed under this link any more */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the link has expired or was revoked */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the body is over 8 KB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Too many requests: over the API's own throttle: API Gateway answers before any function runs, with its body {"message":"Too Many Requests"}. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    getPreferences: {
        parameters: {
            query: {
                /** @description the signed preferences token from the emailed link */
                token: string;
                /** @description a notice to show after a redirect (signed-out) */
                done?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the preference centre */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description the link is malformed, forged or for another page */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description nobody is subscribed under this link any more */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description the link has expired or was revoked */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description the body is over 8 KB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                    "text/html": string;
                };
            };
            /** @description Too many requests: over the API's own throttle: API Gateway answers before any function runs, with its body {"message":"Too Many Requests"}. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GatewayThrottle"];
                };
            };
        };
    };
    postPreferences: {
        parameters: {
            query: {
                /** @description the signed preferences token from the emailed link */
                token: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "action": "save",
                 *       "sendHour": "8",
                 *       "timezone": "Europe/Paris",
                 *       "frequency": "daily"
                 *     }
                 */
                "application/x-www-form-urlencoded": {
                    timezone?: string;
                    sendHour?: number | string;
                    topics?: string[] | string;
                    /** @enum {string} */
                    frequency?: "daily" | "weekly";
                    weeklyDay?: number | string;
                    pause?: "resume" | (number | string);
                    /**
                     * @description save (the default), download, erase or sign-out
                     * @enum {string}
                     */
                    action?: "save" | "download" | "erase" | "sign-out";
                    /**
                     * @description required by action=erase
                     * @constant
                     */
                    confirmErase?: "yes";
                };
                /**
                 * @example {
                 *       "action": "save",
                 *       "sendHour": "8",
                 *       "timezone": "Europe/Paris",
                 *       "frequency": "daily"
                 *     }
                 */
                "application/json": {
                    timezone?: string;
                    sendHour?: number | string;
                    topics?: string[] | string;
                    /** @enum {string} */
                    frequency?: "daily" | "weekly";
                    weeklyDay?: number | string;
                    pause?: "resume" | (number | string);
                    /**
                     * @description save (the default), download, erase or sign-out
                     * @enum {string}
                     */
                    action?: "save" | "download" | "erase" | "sign-out";
                    /**
                     * @description required by action=erase
                     * @constant
                     */
                    confirmErase?: "yes";
                };
            };
        };
        responses: {
            /** @description saved or erased (a page); for action=download, the reader's data as a JSON attachment */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        exportedAt: string;
                        subscriber: {
                            [key: string]: unknown;
                        } | null;
                        deliveries: {
                            [key: string]: unknown;
                        }[];
                    };
                    "text/html": string;
                };
            };
            /** @description signed out: to the preference centre under a fresh link */
            303: {
                headers: {
                    /** @description where to go next */
                    Location?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description an invalid field (the form again beside it), or a bad link */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description nobody is subscribed under this link any more */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description the link has expired or was revoked */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description the body is over 8 KB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                    "text/html": string;
                };
            };
            /** @description Too many requests: over the API's own throttle: API Gateway answers before any function runs, with its body {"message":"Too Many Requests"}. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GatewayThrottle"];
                };
            };
        };
    };
    headPreferences: {
        parameters: {
            query: {
                /** @description the signed preferences token from the emailed link */
                token: string;
                /** @description a notice to show after a redirect (signed-out) */
                done?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the preference centre */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the link is malformed, forged or for another page */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description nobody is subscribed under this link any more */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the link has expired or was revoked */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the body is over 8 KB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Too many requests: over the API's own throttle: API Gateway answers before any function runs, with its body {"message":"Too Many Requests"}. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the subscribe form */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description the body is over 8 KB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                    "text/html": string;
                };
            };
            /** @description Too many requests: over the API's own throttle: API Gateway answers before any function runs, with its body {"message":"Too Many Requests"}. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GatewayThrottle"];
                };
            };
        };
    };
    head: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the subscribe form */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the body is over 8 KB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Too many requests: over the API's own throttle: API Gateway answers before any function runs, with its body {"message":"Too Many Requests"}. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description up */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @constant */
                        status: "ok";
                    };
                };
            };
            /** @description the body is over 8 KB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests: over the API's own throttle: API Gateway answers before any function runs, with its body {"message":"Too Many Requests"}. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GatewayThrottle"];
                };
            };
        };
    };
    headHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description up */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the body is over 8 KB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Too many requests: over the API's own throttle: API Gateway answers before any function runs, with its body {"message":"Too Many Requests"}. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    getEditions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the archive */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description the body is over 8 KB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                    "text/html": string;
                };
            };
            /** @description Too many requests: over the API's own throttle: API Gateway answers before any function runs, with its body {"message":"Too Many Requests"}. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GatewayThrottle"];
                };
            };
        };
    };
    headEditions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the archive */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the body is over 8 KB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Too many requests: over the API's own throttle: API Gateway answers before any function runs, with its body {"message":"Too Many Requests"}. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    getEditionsId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description the edition id
                 * @example 20261126T070000-20261125T070000
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the edition */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description not an edition id */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description no such edition */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description the body is over 8 KB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                    "text/html": string;
                };
            };
            /** @description Too many requests: over the API's own throttle: API Gateway answers before any function runs, with its body {"message":"Too Many Requests"}. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GatewayThrottle"];
                };
            };
        };
    };
    headEditionsId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description the edition id
                 * @example 20261126T070000-20261125T070000
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the edition */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description not an edition id */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description no such edition */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the body is over 8 KB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Too many requests: over the API's own throttle: API Gateway answers before any function runs, with its body {"message":"Too Many Requests"}. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    getOpenapiJson: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OpenAPI 3.1 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        openapi: string;
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            /** @description the body is over 8 KB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests: over the API's own throttle: API Gateway answers before any function runs, with its body {"message":"Too Many Requests"}. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GatewayThrottle"];
                };
            };
        };
    };
    headOpenapiJson: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OpenAPI 3.1 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the body is over 8 KB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Too many requests: over the API's own throttle: API Gateway answers before any function runs, with its body {"message":"Too Many Requests"}. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    getCToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the sealed click token from the digest */
                token: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description to the story's URL */
            302: {
                headers: {
                    /** @description where to go next */
                    Location?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the link is malformed or was altered (no Location) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description the story or its edition is gone (no Location) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description the body is over 8 KB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                    "text/html": string;
                };
            };
            /** @description Too many requests: over the API's own throttle: API Gateway answers before any function runs, with its body {"message":"Too Many Requests"}. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GatewayThrottle"];
                };
            };
            /** @description any other answer: an error, with no Location */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                    "text/html": string;
                };
            };
        };
    };
    headCToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the sealed click token from the digest */
                token: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description to the story's URL */
            302: {
                headers: {
                    /** @description where to go next */
                    Location?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the link is malformed or was altered (no Location) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the story or its edition is gone (no Location) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the body is over 8 KB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Too many requests: over the API's own throttle: API Gateway answers before any function runs, with its body {"message":"Too Many Requests"}. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description any other answer: an error, with no Location */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    getSources: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description every source */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        sources: {
                            /** @description 16 hex characters, stable for the feed */
                            id: string;
                            url: string;
                            /** @description the operator's name for it, else the feed's own title, else its host */
                            name: string;
                            /** @description the feed's title as last read */
                            feedTitle?: string;
                            topics: string[];
                            fullText: boolean;
                            /** @enum {string} */
                            state: "active" | "paused" | "failing" | "disabled";
                            consecutiveFailures: number;
                            failingSince?: string;
                            nextPollAt: string;
                            createdAt: string;
                            lastPolledAt?: string;
                            lastSuccessAt?: string;
                            lastError?: string;
                        }[];
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            /** @description the x-api-key lacks the "sources" scope */
            403: components["responses"]["Forbidden"];
            /** @description the body is over 8 KB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests: over the key's requests per minute (an Error, with Retry-After); or over the API's own throttle: API Gateway answers before any function runs, with its body {"message":"Too Many Requests"}. */
            429: {
                headers: {
                    /** @description seconds until the next minute, when the key may ask again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayThrottle"];
                };
            };
        };
    };
    postSources: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "url": "https://news.example/feed.xml",
                 *       "name": "Example News",
                 *       "topics": [
                 *         "economy"
                 *       ]
                 *     }
                 */
                "application/json": {
                    url: string;
                    name?: string;
                    topics?: string | string[];
                    fullText?: boolean;
                };
            };
        };
        responses: {
            /** @description already a source: nothing changed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        created: boolean;
                        message?: string;
                        source: {
                            /** @description 16 hex characters, stable for the feed */
                            id: string;
                            url: string;
                            /** @description the operator's name for it, else the feed's own title, else its host */
                            name: string;
                            /** @description the feed's title as last read */
                            feedTitle?: string;
                            topics: string[];
                            fullText: boolean;
                            /** @enum {string} */
                            state: "active" | "paused" | "failing" | "disabled";
                            consecutiveFailures: number;
                            failingSince?: string;
                            nextPollAt: string;
                            createdAt: string;
                            lastPolledAt?: string;
                            lastSuccessAt?: string;
                            lastError?: string;
                        };
                    };
                };
            };
            /** @description added */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        created: boolean;
                        message?: string;
                        source: {
                            /** @description 16 hex characters, stable for the feed */
                            id: string;
                            url: string;
                            /** @description the operator's name for it, else the feed's own title, else its host */
                            name: string;
                            /** @description the feed's title as last read */
                            feedTitle?: string;
                            topics: string[];
                            fullText: boolean;
                            /** @enum {string} */
                            state: "active" | "paused" | "failing" | "disabled";
                            consecutiveFailures: number;
                            failingSince?: string;
                            nextPollAt: string;
                            createdAt: string;
                            lastPolledAt?: string;
                            lastSuccessAt?: string;
                            lastError?: string;
                        };
                    };
                };
            };
            /** @description an invalid field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            /** @description the x-api-key lacks the "sources" scope */
            403: components["responses"]["Forbidden"];
            /** @description there are already MAX_SOURCES sources */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the body is over 8 KB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests: over the key's requests per minute (an Error, with Retry-After); or over the API's own throttle: API Gateway answers before any function runs, with its body {"message":"Too Many Requests"}. */
            429: {
                headers: {
                    /** @description seconds until the next minute, when the key may ask again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayThrottle"];
                };
            };
        };
    };
    headSources: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description every source */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description no valid x-api-key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the key lacks the scope this route needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the body is over 8 KB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Too many requests: over the key's requests per minute (an Error, with Retry-After); or over the API's own throttle: API Gateway answers before any function runs, with its body {"message":"Too Many Requests"}. */
            429: {
                headers: {
                    /** @description seconds until the next minute, when the key may ask again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    deleteSourcesId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the source id (16 hex characters) from GET /sources */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description removed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        removed: {
                            /** @description 16 hex characters, stable for the feed */
                            id: string;
                            url: string;
                            /** @description the operator's name for it, else the feed's own title, else its host */
                            name: string;
                            /** @description the feed's title as last read */
                            feedTitle?: string;
                            topics: string[];
                            fullText: boolean;
                            /** @enum {string} */
                            state: "active" | "paused" | "failing" | "disabled";
                            consecutiveFailures: number;
                            failingSince?: string;
                            nextPollAt: string;
                            createdAt: string;
                            lastPolledAt?: string;
                            lastSuccessAt?: string;
                            lastError?: string;
                        };
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            /** @description the x-api-key lacks the "sources" scope */
            403: components["responses"]["Forbidden"];
            /** @description no such source */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the body is over 8 KB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests: over the key's requests per minute (an Error, with Retry-After); or over the API's own throttle: API Gateway answers before any function runs, with its body {"message":"Too Many Requests"}. */
            429: {
                headers: {
                    /** @description seconds until the next minute, when the key may ask again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayThrottle"];
                };
            };
        };
    };
    getSendsIdStats: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description the send id (`now-<uuid>` or `hourly-<ms>`) from `digest sends list`
                 * @example now-0b6f2f1c-6f0e-4c7e-9d4a-2c1d3e4f5a6b
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the send's results */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        send: string;
                        /** @description the topic variants the send planned */
                        editions: number;
                        sent: number;
                        delivered: number;
                        bounced: {
                            permanent: number;
                            transient: number;
                        };
                        complaints: number;
                        /** @description one-click and from the page, by the links of this send */
                        unsubscribes: number;
                        clicks: {
                            unique: number;
                            total: number;
                            /** @description most clicked first */
                            stories: {
                                title: string;
                                clicks: number;
                            }[];
                        };
                        /** @description true while the send's state is paused */
                        paused: boolean;
                    };
                };
            };
            /** @description not a send id */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            /** @description the x-api-key lacks the "admin" scope */
            403: components["responses"]["Forbidden"];
            /** @description no such send */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the body is over 8 KB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests: over the key's requests per minute (an Error, with Retry-After); or over the API's own throttle: API Gateway answers before any function runs, with its body {"message":"Too Many Requests"}. */
            429: {
                headers: {
                    /** @description seconds until the next minute, when the key may ask again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayThrottle"];
                };
            };
        };
    };
    headSendsIdStats: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description the send id (`now-<uuid>` or `hourly-<ms>`) from `digest sends list`
                 * @example now-0b6f2f1c-6f0e-4c7e-9d4a-2c1d3e4f5a6b
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the send's results */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description not a send id */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description no valid x-api-key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the key lacks the scope this route needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description no such send */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the body is over 8 KB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Too many requests: over the key's requests per minute (an Error, with Retry-After); or over the API's own throttle: API Gateway answers before any function runs, with its body {"message":"Too Many Requests"}. */
            429: {
                headers: {
                    /** @description seconds until the next minute, when the key may ask again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
}
