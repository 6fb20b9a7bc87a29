import { createHash, randomUUID } from "node:crypto";
import type { Context } from "aws-lambda";
import * as z from "../zod";
import { dynamoDocumentClient, s3Client, secretsManagerClient, sqsClient } from "../adapters/aws-clients";
import { DynamoEntityRepository } from "../adapters/dynamo-entity-repository";
import { DynamoSignalRepository } from "../adapters/dynamo-signal-repository";
import { pseudonymKeyFrom } from "../adapters/pseudonym-key";
import { S3RawStore } from "../adapters/s3-raw-store";
import { SecretReader } from "../adapters/secrets";
import { SqsPublisher } from "../adapters/sqs-publisher";
import { cachedLoader, CONFIG_CACHE_TTL_MS } from "../app/cache";
import { createIngestService } from "../app/ingest";
import { buildEntityIndex } from "../domain/matching";
import { createHttpClient } from "../sources/http";
import { sourcesConfigSchema, type ChannelSources, type SourceSecrets, type SourcesConfig } from "../sources/config";
import type { SourceConnector } from "../sources/connector";
import { handleTriggers } from "./dispatch";
import { baseEnv, envVars, loadEnv, type EnvSource } from "./env";
import { ConfigurationError } from "./errors";
import type { IngestRouteWiring } from "./ingest-route";
import { loggerFromEnv, type Logger } from "./logger";
import { powertoolsMetrics } from "./metrics";
import { invocationMetrics } from "./invocation-metrics";
import { createScheduleHandler, taskIdOf, type ScheduledTasks } from "./schedule";

/**
 * The composition of the three ingest functions (handlers/ingest-*.ts): environment → adapters → app/ingest → triggers.
 * Built once per container; the schedule reads the channel's sources, the REST route (social, news: ingest-route.ts)
 * ingests posted items.
 */

/**
 * The provider secret of ingest-social (PROVIDER_SECRET_ARN, secret "social-api"): Reddit's app credentials at the top level
 * (as documented on the secret), Bluesky app-password credentials optionally under `bluesky`.
 */
export const providerSecretSchema = z.object({
    clientId: z.optional(z.string().check(z.minLength(1))),
    clientSecret: z.optional(z.string().check(z.minLength(1))),
    /** Reddit's "<platform>:<app id>:<version> (by /u/<username>)", used when SOURCES_CONFIG names none. */
    userAgent: z.optional(z.string().check(z.minLength(10), z.maxLength(256))),
    bluesky: z.optional(z.object({ identifier: z.string().check(z.minLength(1)), appPassword: z.string().check(z.minLength(1)) })),
});

/** Stop starting requests this long before the Lambda's deadline, to leave time for storing what was read. */
const DEADLINE_MARGIN_MS = 20_000;

function ingestEnvShape() {
    return {
        ...baseEnv,
        RAW_DATA_BUCKET: envVars.RAW_DATA_BUCKET,
        SIGNALS_TABLE: envVars.SIGNALS_TABLE,
        TRACKED_ENTITIES_TABLE: envVars.TRACKED_ENTITIES_TABLE,
        NEXT_QUEUE_URL: envVars.NEXT_QUEUE_URL,
        SOURCES_CONFIG: z.pipe(envVars.SOURCES_CONFIG, sourcesConfigSchema),
        PSEUDONYM_SECRET_ARN: envVars.PSEUDONYM_SECRET_ARN,
        PROVIDER_SECRET_ARN: z.optional(envVars.PROVIDER_SECRET_ARN),
        SIGNAL_RETENTION_DAYS: envVars.SIGNAL_RETENTION_DAYS,
    };
}

/** Both parts of the environment at once, so that one error lists every problem. */
function loadIngestEnv(rest: IngestRouteWiring | undefined, source: EnvSource) {
    const problems: string[] = [];
    const attempt = <T>(load: () => T): T | undefined => {
        try {
            return load();
        } catch (error) {
            if (!(error instanceof ConfigurationError)) throw error;
            problems.push(...error.problems);
            return undefined;
        }
    };
    const env = attempt(() => loadEnv(ingestEnvShape(), source));
    const http = rest === undefined ? undefined : attempt(() => rest.loadEnv(source));
    if (env !== undefined && env.SOURCES_CONFIG.social.reddit !== undefined && env.PROVIDER_SECRET_ARN === undefined) {
        problems.push("PROVIDER_SECRET_ARN: is required when SOURCES_CONFIG configures social.reddit (its client credentials)");
    }
    if (problems.length > 0 || env === undefined) throw new ConfigurationError(problems);
    return { env, http };
}

/** The channel's connectors, rebuilt only when the provider secret changes (rotation); the secret is read per run. */
export function connectorSource(
    sources: ChannelSources,
    config: SourcesConfig,
    readSecret: (() => Promise<z.output<typeof providerSecretSchema>>) | undefined,
): () => Promise<SourceConnector[]> {
    const channel = sources.channel;
    const needsSecret = channel === "social" && (config.social.reddit !== undefined || config.social.bluesky !== undefined);
    let cached: { fingerprint: string; connectors: SourceConnector[] } | undefined;
    return async () => {
        let secrets: SourceSecrets = {};
        let effective = config;
        if (needsSecret && readSecret !== undefined) {
            const secret = await readSecret();
            if (secret.clientId !== undefined && secret.clientSecret !== undefined) {
                secrets = { reddit: { clientId: secret.clientId, clientSecret: secret.clientSecret } };
            }
            if (secret.bluesky !== undefined) secrets = { ...secrets, bluesky: secret.bluesky };
            const reddit = config.social.reddit;
            if (reddit !== undefined && reddit.userAgent === undefined && secret.userAgent !== undefined) {
                effective = { ...config, social: { ...config.social, reddit: { ...reddit, userAgent: secret.userAgent } } };
            }
        }
        // A digest, so that the secret itself is not kept twice in memory.
        const fingerprint = createHash("sha256")
            .update(JSON.stringify([secrets, effective.social.reddit?.userAgent ?? ""]))
            .digest("hex");
        if (cached?.fingerprint !== fingerprint) cached = { fingerprint, connectors: sources.build(effective, secrets) };
        return cached.connectors;
    };
}

/**
 * `sources` is the handler's own channel builder, so that its bundle carries only that channel's connectors; `rest` the
 * REST route it serves (shared/ingest-route.ts), if any.
 */
export function createIngestHandler(sources: ChannelSources, rest: IngestRouteWiring | undefined, source: EnvSource = process.env) {
    const channel = sources.channel;
    const { env, http } = loadIngestEnv(rest, source);
    const logger = loggerFromEnv(env);
    const metrics = invocationMetrics(powertoolsMetrics(env.POWERTOOLS_SERVICE_NAME));
    const documents = dynamoDocumentClient();
    const secrets = new SecretReader(secretsManagerClient());
    const entities = new DynamoEntityRepository(env.TRACKED_ENTITIES_TABLE, documents);
    const service = createIngestService({
        rawStore: new S3RawStore(env.RAW_DATA_BUCKET, s3Client()),
        entities: cachedLoader(async () => buildEntityIndex(await entities.listActive()), CONFIG_CACHE_TTL_MS),
        signals: new DynamoSignalRepository(env.SIGNALS_TABLE, documents),
        publisher: new SqsPublisher(sqsClient()),
        queueUrl: env.NEXT_QUEUE_URL,
        pseudonymKey: pseudonymKeyFrom(secrets, env.PSEUDONYM_SECRET_ARN),
        metrics,
        logger,
        retentionDays: env.SIGNAL_RETENTION_DAYS,
    });
    const providerSecretArn = env.PROVIDER_SECRET_ARN;
    const connectors = connectorSource(
        sources,
        env.SOURCES_CONFIG,
        providerSecretArn === undefined ? undefined : () => secrets.read(providerSecretArn, providerSecretSchema),
    );
    // One client per container: its per-host rate limits then hold across warm invocations too.
    const httpClient = createHttpClient({ userAgent: `ai-investment/${env.SERVICE_VERSION ?? "dev"} (${env.POWERTOOLS_SERVICE_NAME})` });

    async function runSchedule(taskLogger: Logger, context: Context | undefined): Promise<void> {
        const remaining = context?.getRemainingTimeInMillis?.();
        const signal = remaining === undefined ? undefined : AbortSignal.timeout(Math.max(1_000, remaining - DEADLINE_MARGIN_MS));
        const list = await connectors();
        if (list.length === 0) taskLogger.warn("no sources configured for this channel", { channel });
        await service.ingestFromConnectors(channel, list, signal === undefined ? { http: httpClient } : { http: httpClient, signal }, {
            correlationId: context?.awsRequestId ?? randomUUID(),
            logger: taskLogger,
        });
    }

    const triggers = handleTriggers({
        ...(rest === undefined || http === undefined ? {} : { http: rest.handler(service, http, logger) }),
        schedule: (event, context) => {
            // Built per invocation: the task needs this invocation's deadline and request id.
            const tasks: ScheduledTasks = {};
            tasks[taskIdOf({ task: "ingest", source: channel })] = (_payload, { logger: taskLogger }) => runSchedule(taskLogger, context);
            return createScheduleHandler(tasks, logger)(event, context);
        },
    });
    return async (event: unknown, context?: Context): Promise<unknown> => {
        try {
            return await triggers(event, context);
        } finally {
            metrics.flush();
        }
    };
}
