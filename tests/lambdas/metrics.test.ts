import { expect } from "chai";
import { METRICS_NAMESPACE, powertoolsMetrics } from "../../lambdas/shared/metrics";

/** Captures what Powertools writes to stdout while `fn` runs. */
function captureStdout(fn: () => void): string[] {
    const lines: string[] = [];
    const original = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array) => {
        lines.push(...String(chunk).split("\n").filter(Boolean));
        return true;
    }) as typeof process.stdout.write;
    try {
        fn();
    } finally {
        process.stdout.write = original;
    }
    return lines;
}

describe("business metrics (EMF through Powertools)", () => {
    it("writes EMF lines in namespace AiInvestment with the service and the given dimensions", () => {
        const lines = captureStdout(() => {
            const metrics = powertoolsMetrics("ingest-social");
            metrics.count("SignalsIngested", 7, { Source: "reddit" });
            metrics.count("SignalsDuplicate", 2);
            metrics.count("PayloadsRejected", 0);
            metrics.flush();
        });
        const emf = lines.map((line) => JSON.parse(line)).filter((entry) => entry._aws);
        expect(emf).to.have.length(2);
        const ingested = emf.find((entry) => "SignalsIngested" in entry);
        expect(ingested.SignalsIngested).to.equal(7);
        expect(ingested.Source).to.equal("reddit");
        expect(ingested.service).to.equal("ingest-social");
        const directive = ingested._aws.CloudWatchMetrics[0];
        expect(directive.Namespace).to.equal(METRICS_NAMESPACE);
        expect(directive.Dimensions[0]).to.include.members(["service", "Source"]);
        const buffered = emf.find((entry) => "SignalsDuplicate" in entry);
        expect(buffered.SignalsDuplicate).to.equal(2);
        expect(emf.some((entry) => "PayloadsRejected" in entry)).to.equal(false);
    });
});
