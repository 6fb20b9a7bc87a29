import { expect } from "chai";
import { runInline } from "../../offline/engine";
import { ResourceGraph } from "../../offline/graph";
import { BILLED_SERVICES, Dashboards, type DashboardsArgs } from "../../components/Dashboards";

const DASHBOARD = "aws:cloudwatch/dashboard:Dashboard";
const FUNCTIONS = ["ai-investment-test-score", "ai-investment-test-ingest-news", "ai-investment-test-decision"];

const baseArgs: DashboardsArgs = {
    region: "eu-central-1",
    functions: FUNCTIONS.map((functionName, i) => ({ name: `fn${i}`, functionName, timeoutSeconds: 30 })),
    queues: [{ name: "signals", queueName: "signals-abc", deadLetterQueueName: "signals-dlq-abc" }],
    restApis: [{ name: "public", apiName: "ai-investment-test-api", stageName: "v1" }],
    tables: [{ name: "proposals", tableName: "proposals-abc" }],
};

/** Every metric line of a body, as arrays. */
const metricsOf = (body: any): any[][] => body.widgets.flatMap((w: any) => w.properties.metrics ?? []);

describe("Dashboards", () => {
    let graph: ResourceGraph;
    let names: string[];
    const body = (kind: string) => JSON.parse(graph.one(DASHBOARD, `obs-${kind}`).inputs.dashboardBody);

    before(async () => {
        const { result, resources } = await runInline(
            () => new Dashboards("obs", { ...baseArgs, webAclName: "ai-investment-test-acl", userPoolId: "eu-central-1_AbCdEfGhI" }),
        );
        graph = new ResourceGraph(resources);
        names = await new Promise((resolve) => result.dashboardNames.apply(resolve));
    });

    it("creates the four dashboards named <project>-<stack>-<kind>", () => {
        expect(
            graph
                .ofType(DASHBOARD)
                .map((d) => d.inputs.dashboardName)
                .sort(),
        ).to.deep.equal([
            "ai-investment-test-business",
            "ai-investment-test-cost",
            "ai-investment-test-health",
            "ai-investment-test-security",
        ]);
        expect(names).to.deep.equal([
            "ai-investment-test-health",
            "ai-investment-test-business",
            "ai-investment-test-cost",
            "ai-investment-test-security",
        ]);
    });

    it("shows invocations, errors, p95 duration and throttles of every function on the health dashboard", () => {
        const text = JSON.stringify(body("health"));
        for (const fn of FUNCTIONS) expect(text).to.contain(fn);
        const lambda = metricsOf(body("health")).filter((m) => m[0] === "AWS/Lambda");
        for (const metric of ["Invocations", "Errors", "Duration", "Throttles"]) {
            expect(
                lambda.filter((m) => m[1] === metric).map((m) => m[3]),
                metric,
            ).to.deep.equal(FUNCTIONS);
        }
        const duration = body("health").widgets.find((w: any) => w.properties.title?.startsWith("Duration"));
        expect(duration.properties.stat).to.equal("p95");
    });

    it("shows queue depth, the DLQ, API 4xx/5xx/latency and table throttles", () => {
        const m = metricsOf(body("health"));
        expect(m).to.deep.include([
            "AWS/SQS",
            "ApproximateNumberOfMessagesVisible",
            "QueueName",
            "signals-dlq-abc",
            { label: "signals DLQ", color: "#d62728" },
        ]);
        for (const metric of ["4XXError", "5XXError", "Latency"]) {
            expect(
                m.some((x) => x[1] === metric && x[3] === "ai-investment-test-api" && x[5] === "v1"),
                metric,
            ).to.equal(true);
        }
        expect(m.filter((x) => x[0] === "AWS/DynamoDB" && x[1].endsWith("ThrottleEvents")).map((x) => x[3])).to.deep.equal([
            "proposals-abc",
            "proposals-abc",
        ]);
    });

    it("lays widgets out within the 24-column grid without overlaps", () => {
        for (const kind of ["health", "business", "cost", "security"]) {
            const cells = new Set<string>();
            for (const w of body(kind).widgets) {
                expect(w.x + w.width, kind).to.be.at.most(24);
                for (let x = w.x; x < w.x + w.width; x++)
                    for (let y = w.y; y < w.y + w.height; y++) {
                        expect(cells.has(`${x},${y}`), `${kind} overlap at ${x},${y}`).to.equal(false);
                        cells.add(`${x},${y}`);
                    }
            }
        }
    });

    it("charts the handlers' EMF metrics in the AiInvestment namespace on the business dashboard", () => {
        const text = JSON.stringify(body("business"));
        for (const s of [
            `SEARCH('{AiInvestment,service,Source} MetricName=\\"SignalsIngested\\"', 'Sum', 300)`,
            `SUM(SEARCH('{AiInvestment,service} MetricName=\\"SignalsScored\\"', 'Sum', 300))`,
            "CandidatesFused",
            "ProposalsCreated",
            `SEARCH('{AiInvestment,service,Decision} MetricName=\\"DecisionsRecorded\\"', 'Sum', 3600)`,
            "100 * hits / evaluated",
        ]) {
            expect(text, s).to.contain(s);
        }
    });

    it("reads estimated charges from us-east-1, in total and for every service the stack uses", () => {
        const widgets = body("cost").widgets.filter((w: any) => w.type === "metric");
        expect(widgets.map((w: any) => w.properties.region)).to.deep.equal(["us-east-1", "us-east-1"]);
        const m = metricsOf(body("cost"));
        expect(m).to.deep.include(["AWS/Billing", "EstimatedCharges", "Currency", "USD", { label: "Total" }]);
        expect(m.filter((x) => x[2] === "ServiceName").map((x) => x[3])).to.deep.equal([...BILLED_SERVICES]);
        expect(BILLED_SERVICES).to.include.members([
            "AWSLambda",
            "AmazonDynamoDB",
            "AmazonS3",
            "AmazonApiGateway",
            "AmazonCloudWatch",
            "awskms",
            "AWSSecretsManager",
        ]);
    });

    it("shows API 4xx, WAF blocks of the web ACL and Cognito sign-ins on the security dashboard", () => {
        const m = metricsOf(body("security"));
        expect(m).to.deep.include([
            "AWS/WAFV2",
            "BlockedRequests",
            "WebACL",
            "ai-investment-test-acl",
            "Region",
            "eu-central-1",
            "Rule",
            "ALL",
            { label: "Blocked", color: "#d62728" },
        ]);
        expect(m.some((x) => x[1] === "4XXError" && x[3] === "ai-investment-test-api")).to.equal(true);
        const text = JSON.stringify(body("security"));
        expect(text).to.contain('MetricName=\\"SignInThrottles\\" UserPool=\\"eu-central-1_AbCdEfGhI\\"');
        expect(text).to.contain("SignInSuccesses");
    });

    it("creates only the dashboards a stack asks for, in its order", async () => {
        const { result, resources } = await runInline(() => new Dashboards("some", { ...baseArgs, kinds: ["cost", "health"] }));
        const created = new ResourceGraph(resources).ofType(DASHBOARD).map((d) => d.name);
        expect(created).to.have.members(["some-cost", "some-health"]).and.have.length(2);
        expect(await new Promise((resolve) => result.dashboardNames.apply(resolve))).to.deep.equal([
            "ai-investment-test-cost",
            "ai-investment-test-health",
        ]);
        expect(Object.keys(result.dashboards)).to.deep.equal(["cost", "health"]);
    });

    it("leaves out WAF and Cognito widgets when there is no web ACL or user pool", async () => {
        const { resources } = await runInline(() => new Dashboards("bare", baseArgs));
        const text = new ResourceGraph(resources).one(DASHBOARD, "bare-security").inputs.dashboardBody as string;
        expect(text).not.to.contain("AWS/WAFV2");
        expect(text).not.to.contain("AWS/Cognito");
        expect(text).to.contain("4XXError");
    });
});
