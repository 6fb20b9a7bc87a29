import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import type { IngestService, IngestSummary } from "../app/ingest";
import { loadEnv, type EnvSource } from "./env";
import { createHttpHandler, httpEnv, type HttpEnv, type RouteTable } from "./http";
import type { Logger } from "./logger";

/**
 * POST /ingest/social and POST /ingest/news: an analyst posts items, which are ingested like a source's. Its own module,
 * imported by the two handlers that serve a route, so that ingest-regulatory's bundle carries no REST code.
 */
export type IngestRoute = "POST /ingest/social" | "POST /ingest/news";

export interface IngestRouteWiring {
    route: IngestRoute;
    /** The route's part of the environment (CORS origins, route access); throws ConfigurationError naming each problem. */
    loadEnv(source: EnvSource): HttpEnv;
    /** The REST trigger over the function's ingest service. */
    handler(
        service: IngestService,
        env: HttpEnv,
        logger: Logger,
    ): (event: APIGatewayProxyEvent, context?: Context) => Promise<APIGatewayProxyResult>;
}

export function ingestRoute(route: IngestRoute): IngestRouteWiring {
    const postedChannel = route === "POST /ingest/social" ? "social" : "news";
    return {
        route,
        loadEnv: (source) => loadEnv(httpEnv([route]), source),
        handler: (service, env, logger) => {
            const routes: RouteTable = {};
            routes[route] = async ({ body, event, caller, correlationId, logger: requestLogger }) => {
                const raw = event.isBase64Encoded ? Buffer.from(event.body ?? "", "base64").toString("utf8") : (event.body ?? "");
                const summary = await service.ingestPosted(
                    postedChannel,
                    { body: raw, items: body.items, ...(caller.sub === undefined ? {} : { submittedBy: caller.sub }) },
                    { correlationId, logger: requestLogger },
                );
                return { data: ingestReply(summary) };
            };
            return createHttpHandler(routes, env, logger);
        },
    };
}

/** What POST /ingest/* answers: counts and keys, no item contents. */
export function ingestReply(summary: IngestSummary) {
    return {
        items: summary.items,
        created: summary.created,
        duplicates: summary.duplicates,
        unmatched: summary.unmatched,
        rejected: summary.rejected,
        signalKeys: summary.createdKeys,
        rawObjectKey: summary.rawKeys[0],
        rejectionObjectKeys: summary.rejectionKeys,
    };
}
