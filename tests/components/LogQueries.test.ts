import { expect } from "chai";
import { runInline } from "../../offline/engine";
import { ResourceGraph } from "../../offline/graph";
import type { RecordedResource } from "../../offline/engine";
import { ACCESS_LOG_FORMAT } from "../../components/ApiWithAuth";
import { CORRELATION_ID_PLACEHOLDER, LogQueries } from "../../components/LogQueries";
import { createLogger } from "../../lambdas/shared/logger";
import { capturingOutput } from "../support/output";

const QUERY = "aws:cloudwatch/queryDefinition:QueryDefinition";
const FUNCTION_LOGS = ["/aws/lambda/ai-investment-test-score", "/aws/lambda/ai-investment-test-decision"];
const ACCESS_LOGS = "/aws/apigateway/ai-investment-test-api/access";

describe("LogQueries", () => {
    let graph: ResourceGraph;
    const query = (kind: string): RecordedResource => graph.one(QUERY, `queries-${kind}`);

    before(async () => {
        const { resources } = await runInline(() => {
            new LogQueries("queries", { functionLogGroupNames: FUNCTION_LOGS, apiAccessLogGroupName: ACCESS_LOGS });
        });
        graph = new ResourceGraph(resources);
    });

    it("saves the four queries in the stack's folder, parented to the component", () => {
        const queries = graph.ofType(QUERY);
        expect(queries.map((q) => q.inputs.name).sort()).to.deep.equal(
            ["cold-starts", "correlation-id", "errors-by-function", "slowest-requests"].map((k) => `ai-investment-test/${k}`),
        );
        const component = graph.one("ai-investment:observability:LogQueries", "queries");
        expect(graph.children(component)).to.have.length(4);
    });

    it("counts ERROR lines of every function log group by function", () => {
        const q = query("errors-by-function").inputs;
        expect(q.logGroupNames).to.deep.equal(FUNCTION_LOGS);
        expect(q.queryString).to.contain('filter level = "ERROR"');
        expect(q.queryString).to.match(/stats count\(\*\) as errors by @log/);
    });

    it("sorts the API access log by latency, slowest first", () => {
        const q = query("slowest-requests").inputs;
        expect(q.logGroupNames).to.deep.equal([ACCESS_LOGS]);
        expect(q.queryString).to.match(/sort latency desc/);
        // The fields it shows are the ones the access log writes.
        const logged = Object.keys(JSON.parse(ACCESS_LOG_FORMAT));
        const shown = q.queryString
            .split("\n")[0]
            .replace(/^fields /, "")
            .split(", ");
        for (const field of shown.filter((f: string) => !f.startsWith("@"))) expect(logged, field).to.include(field);
    });

    it("follows one correlation id through every function and the API access log", async () => {
        const q = query("correlation-id").inputs;
        expect(q.logGroupNames).to.deep.equal([...FUNCTION_LOGS, ACCESS_LOGS]);
        expect(q.queryString).to.contain(`correlationId = "${CORRELATION_ID_PLACEHOLDER}"`);
        expect(q.queryString).to.contain(`requestId = "${CORRELATION_ID_PLACEHOLDER}"`);
        expect(q.queryString).to.match(/sort @timestamp asc/);
        // The field name is the one the logger writes for a request's child logger.
        const { lines } = await capturingOutput(async () =>
            createLogger({ level: "INFO", service: "score" }).child({ correlationId: "abc" }).info("hello"),
        );
        expect(JSON.parse(lines[0]!)).to.have.property("correlationId", "abc");
        expect(Object.keys(JSON.parse(ACCESS_LOG_FORMAT))).to.include("requestId");
    });

    it("reports cold starts from the JSON platform.report lines' init duration, per function", () => {
        const q = query("cold-starts").inputs;
        expect(q.logGroupNames).to.deep.equal(FUNCTION_LOGS);
        expect(q.queryString).to.contain('type = "platform.report"');
        expect(q.queryString).to.contain("record.metrics.initDurationMs");
        expect(q.queryString).to.contain("@initDuration");
        expect(q.queryString).to.match(/ispresent\(initDurationMs\)/);
        expect(q.queryString).to.match(/by @log/);
    });
});
