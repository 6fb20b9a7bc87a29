import { randomBytes } from "node:crypto";
import { type DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyResult } from "aws-lambda";
import { expect } from "chai";
import { DynamoAgentConfigRepository } from "../../../lambdas/adapters/dynamo-agent-config-repository";
import { DynamoEntityRepository } from "../../../lambdas/adapters/dynamo-entity-repository";
import { DynamoSignalAgentIndex } from "../../../lambdas/adapters/dynamo-signal-agent-index";
import { DynamoSignalRepository } from "../../../lambdas/adapters/dynamo-signal-repository";
import { S3ObjectEraser } from "../../../lambdas/adapters/s3-object-eraser";
import { featuresObjectKey } from "../../../lambdas/app/keys";
import type { S3Http } from "../../../lambdas/adapters/s3-http";
import { S3RawStore } from "../../../lambdas/adapters/s3-raw-store";
import { pseudonymKeyFrom } from "../../../lambdas/adapters/pseudonym-key";
import { SecretReader, type SecretSource } from "../../../lambdas/adapters/secrets";
import { ADMIN_ROUTES, adminRoutes, createAdmin } from "../../../lambdas/app/admin";
import { createErasure } from "../../../lambdas/app/erasure";
import { erasureAuditSchema } from "../../../lambdas/domain/erasure";
import { authorPseudonym } from "../../../lambdas/domain/pseudonym";
import type { Signal } from "../../../lambdas/domain/signals";
import { apiRoutes } from "../../../lambdas/shared/api-schemas";
import { createHttpHandler } from "../../../lambdas/shared/http";
import { recordingMetrics } from "../../../lambdas/shared/metrics";
import { startLocalAws } from "../../support/localAws";
import { makeSignal, uniqueName } from "../adapters/fixtures";
import { bodyOf, capturingLogger, rejectionOf, restEvent } from "../support";

const ADMIN_SUB = "5f3c1a2e-8b7d-4e6f-9a01-23456789abcd";
const ERASURE_ID = "9b0c1d2e-3f40-4a51-8b62-7c8d9e0fa1b2";
const NOW = new Date("2026-11-23T09:30:00.000Z");

describe("admin routes and GDPR erasure (DynamoDB Local + fauxqs S3)", function () {
    let db: DynamoDBDocumentClient;
    let s3Http: S3Http;
    let tables: Awaited<ReturnType<Awaited<ReturnType<typeof startLocalAws>>["createTables"]>>;
    let rawBucket: string;
    let evalBucket: string;
    let featuresBucket: string;
    let http: (event: ReturnType<typeof restEvent>) => Promise<APIGatewayProxyResult>;
    let metrics: ReturnType<typeof recordingMetrics>;
    const key = randomBytes(32);
    let ids = [ERASURE_ID];

    before(async function () {
        const aws = await startLocalAws();
        tables = await aws.createTables(uniqueName("admin"));
        rawBucket = await aws.createBucket(uniqueName("raw"));
        evalBucket = await aws.createBucket(uniqueName("eval"));
        featuresBucket = await aws.createBucket(uniqueName("features"));
        db = aws.documentClient();
        s3Http = aws.s3Http();
        metrics = recordingMetrics();
        const admin = createAdmin({
            entities: new DynamoEntityRepository(tables["tracked-entities"], db),
            agents: new DynamoAgentConfigRepository(tables["agents-config"], db),
            now: () => NOW,
        });
        const secrets = fakeSecrets({ "pseudonym-key": JSON.stringify({ key: key.toString("base64") }) });
        const erasure = createErasure({
            // The reader ingestion uses, over a Secrets Manager double.
            pseudonymKey: pseudonymKeyFrom(new SecretReader(secrets), "pseudonym-key"),
            signals: new DynamoSignalRepository(tables.signals, db),
            references: new DynamoSignalAgentIndex(tables.signals, db),
            // fauxqs has no object versions to purge.
            rawObjects: new S3ObjectEraser(rawBucket, s3Http, { purgeVersions: false }),
            featureRecords: new S3ObjectEraser(featuresBucket, s3Http, { purgeVersions: false }),
            auditLog: new S3ObjectEraser(evalBucket, s3Http),
            metrics,
            now: () => NOW,
            newId: () => ids.shift() ?? "00000000-0000-4000-8000-000000000000",
        });
        const { logger } = capturingLogger();
        http = createHttpHandler(
            adminRoutes(admin, erasure),
            { ROUTE_ACCESS: Object.fromEntries(ADMIN_ROUTES.map((route) => [route, ["admin"]])), CORS_ALLOWED_ORIGINS: [] },
            logger,
        );
    });

    const call = (route: string, options: { body?: unknown; groups?: string; query?: Record<string, string> } = {}) => {
        const event = restEvent(route, { ...("body" in options ? { body: options.body } : {}), groups: options.groups ?? "admin" });
        event.queryStringParameters = options.query ?? null;
        return http(event);
    };

    it("serves every admin route the route map gives to the admin function", function () {
        const adminRouteKeys = Object.entries(apiRoutes)
            .filter(([, fn]) => fn === "admin")
            .map(([route]) => route);
        expect(adminRouteKeys).to.have.members([...ADMIN_ROUTES]);
    });

    describe("access and validation", function () {
        it("answers 403 to an analyst and 200 to an admin", async function () {
            const analyst = await call("GET /admin/entities", { groups: "analyst" });
            expect(analyst.statusCode).to.equal(403);
            expect(bodyOf(analyst).error.code).to.equal("FORBIDDEN");
            const approver = await call("POST /admin/erasure", {
                groups: "approver,analyst",
                body: { subject: { source: "reddit", author: "someone" } },
            });
            expect(approver.statusCode).to.equal(403);
            const admin = await call("GET /admin/entities");
            expect(admin.statusCode).to.equal(200);
            expect(bodyOf(admin)).to.deep.include({ success: true, data: { entities: [], count: 0 } });
        });

        it("answers 400 naming the offending fields of a malformed body", async function () {
            const entity = await call("POST /admin/entities", { body: { entityType: "bond", entityId: "x", symbol: "apple", extra: 1 } });
            expect(entity.statusCode).to.equal(400);
            const paths = bodyOf(entity).error.details.issues.map((issue: { path: string }) => issue.path);
            expect(paths).to.have.members(["entityType", "symbol", "name", "extra"]);
            expect(bodyOf(entity).error.message).to.include("entityType").and.include("name");

            const agent = await call("POST /admin/agents", { body: { agentId: "social.reddit", weight: 1.5, reason: "" } });
            expect(agent.statusCode).to.equal(400);
            expect(bodyOf(agent).error.message).to.equal("The request body is invalid at: weight, reason.");

            const erasure = await call("POST /admin/erasure", {
                body: { subject: { source: "reddit" }, reference: "Jane Doe <jane@example.com>" },
            });
            expect(erasure.statusCode).to.equal(400);
            expect(bodyOf(erasure).error.details.issues.map((issue: { path: string }) => issue.path)).to.have.members([
                "subject.author",
                "reference",
            ]);

            const blank = await call("POST /admin/erasure", { body: { subject: { source: "reddit", author: "@" } } });
            expect(blank.statusCode).to.equal(400);
            expect(bodyOf(blank).error.message).to.include("subject.author");
        });
    });

    describe("tracked entities", function () {
        it("upserts with the domain defaults, lists inactive ones too, and deletes", async function () {
            const created = await call("POST /admin/entities", {
                body: { entityType: "equity", entityId: "aapl", symbol: "AAPL", name: "Apple Inc." },
            });
            expect(created.statusCode).to.equal(200);
            expect(bodyOf(created).data).to.deep.equal({
                entityType: "equity",
                entityId: "aapl",
                symbol: "AAPL",
                name: "Apple Inc.",
                aliases: [],
                active: true,
            });
            await call("POST /admin/entities", {
                body: { entityType: "crypto", entityId: "doge", symbol: "DOGE", name: "Dogecoin", active: false },
            });
            const listed = bodyOf(await call("GET /admin/entities")).data;
            expect(listed.count).to.equal(2);
            expect(listed.entities.map((entity: { entityId: string }) => entity.entityId)).to.deep.equal(["doge", "aapl"]);
            expect(await new DynamoEntityRepository(tables["tracked-entities"], db).listActive()).to.have.length(1);

            const deleted = await call("POST /admin/entities/delete", { body: { entityType: "crypto", entityId: "doge" } });
            expect(bodyOf(deleted).data).to.deep.equal({ entityType: "crypto", entityId: "doge", deleted: true });
            expect(bodyOf(await call("GET /admin/entities")).data.count).to.equal(1);
        });
    });

    describe("agent configuration", function () {
        it("publishes versions with the admin and reason recorded, and lists the active one with its history", async function () {
            const first = await call("POST /admin/agents", { body: { agentId: "news.gdelt", weight: 0.5, reason: "initial weight" } });
            expect(first.statusCode).to.equal(201);
            expect(bodyOf(first).data.agent).to.deep.equal({
                agentId: "news.gdelt",
                version: 1,
                status: "active",
                weight: 0.5,
                updatedAt: NOW.toISOString(),
                reason: `admin ${ADMIN_SUB}: initial weight`,
            });
            const second = await call("POST /admin/agents", {
                body: { agentId: "news.gdelt", weight: 0.3, reason: "too noisy", baseVersion: 1 },
            });
            expect(second.statusCode).to.equal(201);
            expect(bodyOf(second).data.previous.version).to.equal(1);

            const listed = bodyOf(await call("GET /admin/agents")).data.agents;
            const gdelt = listed.find((agent: { agentId: string }) => agent.agentId === "news.gdelt");
            expect(gdelt.active).to.deep.include({ version: 2, weight: 0.3 });
            expect(gdelt.history.map((v: { version: number; status: string }) => [v.version, v.status])).to.deep.equal([
                [1, "retired"],
                [2, "active"],
            ]);
            const one = bodyOf(await call("GET /admin/agents", { query: { agentId: "news.gdelt" } })).data.agents;
            expect(one).to.have.length(1);
            expect((await call("GET /admin/agents", { query: { agentId: "news.nothing" } })).statusCode).to.equal(404);
            expect((await call("GET /admin/agents", { query: { agentId: "DROP TABLE" } })).statusCode).to.equal(400);
        });

        it("answers 409 to a change based on an old version and to the loser of a race", async function () {
            await call("POST /admin/agents", { body: { agentId: "social.bluesky", weight: 0.5, reason: "initial" } });
            const stale = await call("POST /admin/agents", {
                body: { agentId: "social.bluesky", weight: 0.2, reason: "x", baseVersion: 0 },
            });
            expect(stale.statusCode).to.equal(409);
            expect(bodyOf(stale).error).to.deep.include({
                code: "AGENT_VERSION_CONFLICT",
                details: { agentId: "social.bluesky", currentVersion: 1 },
            });

            const results = await Promise.all(
                [0.1, 0.9].map((weight) => call("POST /admin/agents", { body: { agentId: "social.bluesky", weight, reason: "race" } })),
            );
            expect(results.map((result) => result.statusCode).sort()).to.deep.equal([201, 409]);
            const history = await new DynamoAgentConfigRepository(tables["agents-config"], db).history("social.bluesky");
            expect(history.map((v) => v.status)).to.deep.equal(["retired", "active"]);
        });
    });

    describe("erasure", function () {
        const raw = (path: string) => `social/${path}`;
        const R1 = raw("reddit/2026/11/20/12/listing-1.json"); // alice only (two signals: one item about two assets)
        const R2 = raw("reddit/2026/11/20/13/listing-2.json"); // alice and bob
        const R3 = raw("reddit/2026/11/20/14/listing-3.json"); // bob only
        const R4 = raw("mastodon/2026/11/21/09/timeline-1.json"); // alice only, another source's agent
        const alice = () => authorPseudonym(key, "reddit", "alice");
        const bob = () => authorPseudonym(key, "reddit", "bob");
        let n = 90_000;
        const signal = (author: string, rawObjectKey: string, asset: string, ts: string, agent = "social.reddit"): Signal => {
            const source = agent.split(".")[1] as "reddit";
            const item = ++n;
            return makeSignal(item, {
                asset,
                agent,
                source,
                sourceId: `${source}:t3_${item}`,
                ts,
                rawObjectKey,
                authorPseudonym: author,
            } as Partial<Signal>);
        };

        it("deletes only the subject's signals and the raw objects no one else's signals come from, and writes an audit record", async function () {
            const signals = new DynamoSignalRepository(tables.signals, db);
            const aliceSignals = [
                signal(alice(), R1, "BTC", "2026-11-20T11:50:00.000Z"),
                signal(alice(), R1, "ETH", "2026-11-20T11:51:00.000Z"),
                signal(alice(), R2, "BTC", "2026-11-20T12:40:00.000Z"),
                signal(authorPseudonym(key, "mastodon", "alice@mastodon.social"), R4, "BTC", "2026-11-21T08:00:00.000Z", "social.mastodon"),
            ];
            // Alice's Mastodon account is another person as far as the sources go: only her Reddit handle is erased.
            const aliceReddit = aliceSignals.slice(0, 3);
            const bobSignals = [signal(bob(), R2, "BTC", "2026-11-20T12:45:00.000Z"), signal(bob(), R3, "ETH", "2026-11-20T13:30:00.000Z")];
            await signals.putManyIfNew([...aliceSignals, ...bobSignals]);
            const rawStore = new S3RawStore(rawBucket, s3Http);
            for (const rawKey of [R1, R2, R3, R4]) await rawStore.putJson(rawKey, { payload: rawKey });
            // The score step's feature record of every signal.
            const featureStore = new S3RawStore(featuresBucket, s3Http);
            for (const stored of [...aliceSignals, ...bobSignals])
                await featureStore.putJson(featuresObjectKey(stored), { key: stored.sk });

            const response = await call("POST /admin/erasure", {
                body: { subject: { source: "reddit", author: "u/Alice" }, reference: "DSAR-2026-0042" },
            });
            expect(response.statusCode).to.equal(200);
            const result = bodyOf(response).data;
            expect(result).to.deep.equal({
                erasureId: ERASURE_ID,
                auditKey: `erasures/2026/11/23/${ERASURE_ID}.json`,
                signalsDeleted: 3,
                rawObjects: { deleted: 1, versionsDeleted: 1, retainedShared: 1, retainedUndetermined: 0 },
                featureVersionsDeleted: 3,
            });

            const keys = (list: Signal[]) => list.map(({ pk, sk }) => ({ pk, sk }));
            expect(await signals.get(keys(aliceReddit))).to.deep.equal([]);
            expect(await signals.keysByAuthor(alice())).to.deep.equal([]);
            expect(await signals.get(keys([...bobSignals, aliceSignals[3]!]))).to.have.length(3);
            expect(await rawStore.get(R1)).to.equal(undefined);
            for (const kept of [R2, R3, R4]) expect(await rawStore.get(kept), kept).not.to.equal(undefined);
            for (const erased of aliceReddit) expect(await featureStore.get(featuresObjectKey(erased))).to.equal(undefined);
            for (const kept of [...bobSignals, aliceSignals[3]!])
                expect(await featureStore.get(featuresObjectKey(kept))).not.to.equal(undefined);

            const stored = await new S3RawStore(evalBucket, s3Http).get(result.auditKey);
            const text = stored!.body.toString("utf8");
            const audit = erasureAuditSchema.parse(JSON.parse(text));
            expect(audit).to.deep.include({
                erasureId: ERASURE_ID,
                requestedBy: ADMIN_SUB,
                reference: "DSAR-2026-0042",
                requestedAt: NOW.toISOString(),
            });
            expect(audit.subject.source).to.equal("reddit");
            expect(audit.signals.deleted).to.equal(3);
            expect(audit.signals.keyHashes).to.have.length(3);
            expect(audit.rawObjects.deleted).to.have.length(1);
            expect(audit.rawObjects.retainedShared).to.have.length(1);
            expect(audit.featureRecords).to.deep.equal({ versionsDeleted: 3 });
            // Neither the handle, the pseudonym nor any key in clear text.
            for (const secretish of ["alice", "Alice", alice(), R1, R2, aliceReddit[0]!.sk, aliceReddit[0]!.sourceId])
                expect(text).not.to.include(secretish);
            expect(metrics.counts).to.deep.include({ name: "ErasuresCompleted", value: 1, dimensions: { Source: "reddit" } });

            // Erasing again finds nothing, and leaves its own record.
            ids = ["7a6b5c4d-3e2f-4a10-9b8c-7d6e5f4a3b2c"];
            const again = bodyOf(await call("POST /admin/erasure", { body: { subject: { source: "reddit", author: "alice" } } })).data;
            expect(again).to.deep.include({
                signalsDeleted: 0,
                rawObjects: { deleted: 0, versionsDeleted: 0, retainedShared: 0, retainedUndetermined: 0 },
            });
            expect(await new S3RawStore(evalBucket, s3Http).get(again.auditKey)).not.to.equal(undefined);
            const bobLeft = await db.send(
                new QueryCommand({
                    TableName: tables.signals,
                    IndexName: "byAuthor",
                    KeyConditionExpression: "authorPseudonym = :a",
                    ExpressionAttributeValues: { ":a": bob() },
                }),
            );
            expect(bobLeft.Items).to.have.length(2);
        });

        it("keeps a raw object whose other references could not all be read", async function () {
            const carol = authorPseudonym(key, "reddit", "carol");
            const rawKey = raw("reddit/2026/11/22/08/listing-9.json");
            const signals = new DynamoSignalRepository(tables.signals, db);
            const own = signal(carol, rawKey, "SOL", "2026-11-22T07:30:00.000Z");
            await signals.putManyIfNew([own]);
            await new S3RawStore(rawBucket, s3Http).putJson(rawKey, {});
            const erased: string[] = [];
            const erasure = createErasure({
                pseudonymKey: async () => key,
                signals,
                references: { rawObjectReferences: async () => ({ references: [], complete: false }) },
                rawObjects: { erase: async (keys) => (erased.push(...keys), keys.length) },
                featureRecords: { erase: async (keys) => keys.length },
                auditLog: new S3ObjectEraser(evalBucket, s3Http),
                metrics: recordingMetrics(),
                now: () => NOW,
            });
            const { logger } = capturingLogger();
            const result = await erasure.erase({ subject: { source: "reddit", author: "carol" } }, { requester: ADMIN_SUB, logger });
            expect(result.signalsDeleted).to.equal(1);
            expect(result.rawObjects).to.deep.equal({ deleted: 0, versionsDeleted: 0, retainedShared: 0, retainedUndetermined: 1 });
            expect(erased).to.deep.equal([]);
        });
    });

    describe("S3ObjectEraser", function () {
        type EraserClient = ConstructorParameters<typeof S3ObjectEraser>[1];
        const unused = async () => {
            throw new Error("not expected");
        };

        it("deletes every version and delete marker of exactly the key, across listing pages", async function () {
            const sent: { name: string; input: any }[] = [];
            const pages = [
                {
                    versions: [
                        { key: "a.json", versionId: "v1", deleteMarker: false },
                        { key: "a.json.bak", versionId: "x1", deleteMarker: false },
                    ],
                    isTruncated: true,
                    nextKeyMarker: "a.json",
                    nextVersionIdMarker: "v1",
                },
                {
                    versions: [
                        { key: "a.json", versionId: "v2", deleteMarker: false },
                        { key: "a.json", versionId: "m1", deleteMarker: true },
                    ],
                    isTruncated: false,
                },
            ];
            const client: EraserClient = {
                putObject: unused,
                listObjectVersions: async (bucket, input) => {
                    sent.push({ name: "ListObjectVersions", input: { bucket, ...input } });
                    return pages.shift()!;
                },
                deleteObjects: async (bucket, objects) => {
                    sent.push({ name: "DeleteObjects", input: { bucket, objects } });
                    return [];
                },
            };
            expect(await new S3ObjectEraser("raw", client).erase(["a.json", "a.json"])).to.equal(3);
            expect(sent.map((call) => call.name)).to.deep.equal(["ListObjectVersions", "ListObjectVersions", "DeleteObjects"]);
            expect(sent[0]!.input).to.deep.include({ bucket: "raw", prefix: "a.json" });
            expect(sent[1]!.input).to.deep.include({ keyMarker: "a.json", versionIdMarker: "v1" });
            expect(sent[2]!.input.objects).to.deep.equal([
                { key: "a.json", versionId: "v1" },
                { key: "a.json", versionId: "v2" },
                { key: "a.json", versionId: "m1" },
            ]);
        });

        it("reports objects S3 would not delete, and refuses to overwrite an audit record", async function () {
            const failing: EraserClient = {
                putObject: unused,
                listObjectVersions: unused,
                deleteObjects: async () => [{ key: "b.json", versionId: "v9", code: "AccessDenied" }],
            };
            const error = await rejectionOf(new S3ObjectEraser("raw", failing, { purgeVersions: false }).erase(["b.json"]));
            expect(error.message).to.include("b.json@v9 (AccessDenied)");

            const sent: any[] = [];
            const existing: EraserClient = {
                putObject: async (input) => {
                    sent.push(input);
                    throw Object.assign(new Error("At least one of the pre-conditions you specified did not hold"), {
                        name: "PreconditionFailed",
                    });
                },
                listObjectVersions: unused,
                deleteObjects: unused,
            };
            const refused = await rejectionOf(new S3ObjectEraser("eval", existing).putOnce("erasures/x.json", {}));
            expect(refused.name).to.equal("ObjectExistsError");
            expect(sent[0]).to.deep.include({ ifNoneMatch: "*", key: "erasures/x.json", bucket: "eval" });
        });
    });
});

function fakeSecrets(values: Record<string, string>): SecretSource {
    return {
        async getSecretString(id) {
            if (!(id in values)) throw Object.assign(new Error("not found"), { name: "ResourceNotFoundException" });
            return values[id];
        },
    };
}
