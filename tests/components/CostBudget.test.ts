import { expect } from "chai";
import { runInline } from "../../offline/engine";
import { ResourceGraph } from "../../offline/graph";
import { CostBudget } from "../../components/CostBudget";

const BUDGET = "aws:budgets/budget:Budget";
const TOPIC_ARN = "arn:aws:sns:eu-central-1:111122223333:alarms-topic-1234567";
const EMAILS = ["finance@example.com"];

describe("CostBudget", () => {
    let graph: ResourceGraph;
    before(async () => {
        const { resources } = await runInline(() => {
            new CostBudget("budget", { monthlyBudgetUsd: 50, alertEmails: EMAILS, topicArn: TOPIC_ARN });
            new CostBudget("tagged", { monthlyBudgetUsd: 1200.5, alertEmails: EMAILS, topicArn: TOPIC_ARN, filterByProjectTag: true });
        });
        graph = new ResourceGraph(resources);
    });

    it("is a monthly cost budget in USD with the configured limit", () => {
        expect(graph.one(BUDGET, "budget").inputs).to.include({
            budgetType: "COST",
            timeUnit: "MONTHLY",
            limitAmount: "50.00",
            limitUnit: "USD",
        });
        expect(graph.one(BUDGET, "tagged").inputs.limitAmount).to.equal("1200.50");
    });

    it("notifies e-mail and the alarm topic at 80 % of actual spend", () => {
        const n = graph.one(BUDGET, "budget").inputs.notifications.find((x: any) => x.notificationType === "ACTUAL");
        expect(n).to.deep.include({ comparisonOperator: "GREATER_THAN", threshold: 80, thresholdType: "PERCENTAGE" });
        expect(n.subscriberEmailAddresses).to.deep.equal(EMAILS);
        expect(n.subscriberSnsTopicArns).to.deep.equal([TOPIC_ARN]);
    });

    it("notifies when the forecast reaches 100 %", () => {
        const notifications = graph.one(BUDGET, "budget").inputs.notifications;
        expect(notifications).to.have.length(2);
        const n = notifications.find((x: any) => x.notificationType === "FORECASTED");
        expect(n).to.deep.include({ threshold: 100, thresholdType: "PERCENTAGE", subscriberSnsTopicArns: [TOPIC_ARN] });
    });

    it("filters on the project cost-allocation tag only when asked", () => {
        expect(graph.one(BUDGET, "budget").inputs.costFilters).to.equal(undefined);
        expect(graph.one(BUDGET, "tagged").inputs.costFilters).to.deep.equal([
            { name: "TagKeyValue", values: ["user:project$ai-investment"] },
        ]);
    });

    it("refuses a non-positive limit", () => {
        expect(() => new CostBudget("zero", { monthlyBudgetUsd: 0, alertEmails: [], topicArn: TOPIC_ARN })).to.throw(/must be positive/);
    });
});
