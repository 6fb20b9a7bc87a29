import { expect } from "chai";
import { handleTriggers, triggerKindOf } from "../../lambdas/shared/dispatch";
import { fixture, rejectionOf } from "./support";

describe("lambdas/shared/dispatch", () => {
    it("recognises each trigger from its real event shape", () => {
        expect(triggerKindOf(fixture("rest-event-decision.json"))).to.equal("http");
        expect(triggerKindOf(fixture("sqs-event.json"))).to.equal("sqs");
        expect(triggerKindOf(fixture("websocket-connect-event.json"))).to.equal("websocket");
        expect(triggerKindOf(fixture("websocket-default-event.json"))).to.equal("websocket");
        expect(triggerKindOf({ task: "evaluate-outcomes" })).to.equal("schedule");
        expect(triggerKindOf({ Records: [{ eventSource: "aws:s3" }] })).to.equal(undefined);
        expect(triggerKindOf(null)).to.equal(undefined);
    });

    it("routes to the matching handler and refuses triggers the function was not built for", async () => {
        const handler = handleTriggers({ sqs: async () => ({ batchItemFailures: [] }) });
        expect(await handler(fixture("sqs-event.json"))).to.deep.equal({ batchItemFailures: [] });
        const error = await rejectionOf(handler(fixture("rest-event-health.json")));
        expect(error.message).to.equal("This function does not handle http events; check its trigger wiring.");
    });
});
