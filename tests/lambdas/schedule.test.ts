import { expect } from "chai";
import { NotImplementedError } from "../../lambdas/shared/errors";
import { createScheduleHandler, pendingTask, ScheduleError, type SchedulePayload } from "../../lambdas/shared/schedule";
import { capturingLogger, fixture, rejectionOf } from "./support";

const payloads = fixture<Record<string, SchedulePayload>>("schedule-payloads.json");

describe("lambdas/shared/schedule", () => {
    it("runs the task the payload names", async () => {
        const ran: SchedulePayload[] = [];
        const handler = createScheduleHandler({ "ingest:social": async (payload) => void ran.push(payload) }, capturingLogger().logger);
        await handler(payloads["ingestSocial"]);
        expect(ran).to.deep.equal([{ task: "ingest", source: "social" }]);
    });

    it("throws a clear error for an invalid payload", async () => {
        const handler = createScheduleHandler({ "ingest:social": async () => {} }, capturingLogger().logger);
        const error = await rejectionOf(handler({ task: "ingest", source: "twitter" }));
        expect(error).to.be.instanceOf(ScheduleError);
        expect(error.message).to.match(/^Invalid schedule payload: source: Invalid option/);
        const unknown = await rejectionOf(handler({ "detail-type": "Scheduled Event", source: "aws.events" }));
        expect(unknown.message).to.include("Invalid schedule payload: task:");
    });

    it("throws when the schedule targets a function that does not run that task", async () => {
        const handler = createScheduleHandler({ "ingest:social": async () => {} }, capturingLogger().logger);
        const error = await rejectionOf(handler(payloads["ingestNews"]));
        expect(error.message).to.equal("This function does not run scheduled task ingest:news; check the schedule's target.");
    });

    it("fails pending work loudly, naming the task and capability, and logs it", async () => {
        const { logger, entries } = capturingLogger();
        const handler = createScheduleHandler({ "evaluate-outcomes": pendingTask("outcome-evaluation") }, logger);
        const error = await rejectionOf(handler(payloads["evaluateOutcomes"], { awsRequestId: "req-7" } as never));
        expect(error).to.be.instanceOf(NotImplementedError);
        expect(error.message).to.equal(
            "Scheduled task evaluate-outcomes is not implemented yet; it will be provided by the outcome-evaluation capability.",
        );
        expect(entries.find((entry) => entry["message"] === "scheduled task failed")).to.include({
            level: "ERROR",
            taskId: "evaluate-outcomes",
            correlationId: "req-7",
        });
    });
});
