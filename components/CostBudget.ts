/**
 * CostBudget — a monthly AWS Budgets cost budget that warns at 80 % of actual spend and when the forecast reaches
 * 100 % (seed 002: "Cost Budget > 80 % des Monatsbudgets"), by e-mail and through the alarm topic.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface CostBudgetArgs {
    /** Monthly limit in USD, e.g. 50. */
    monthlyBudgetUsd: number;
    /** Addresses notified directly by AWS Budgets (at most 10 per notification). */
    alertEmails: string[];
    /** The alarm topic; its policy must let budgets.amazonaws.com publish (AlarmSet's does). */
    topicArn: pulumi.Input<string>;
    /**
     * Count only costs tagged with this project (`user:<projectTagKey>$<project>`). Default false: the tag must
     * first be activated as a cost allocation tag in the billing console, otherwise the budget sees no cost at all.
     */
    filterByProjectTag?: boolean;
    /** Tag key carrying the project name, from the provider's default tags. Default `project`. */
    projectTagKey?: string;
    /** Share of the limit, in percent, at which actual spend notifies. Default 80. */
    actualThresholdPercent?: number;
    /** Share of the limit, in percent, at which forecast spend notifies. Default 100. */
    forecastThresholdPercent?: number;
}

export class CostBudget extends pulumi.ComponentResource {
    readonly budget: aws.budgets.Budget;
    readonly budgetName: pulumi.Output<string>;

    constructor(name: string, args: CostBudgetArgs, opts?: pulumi.ComponentResourceOptions) {
        // Checked before registering anything, so a refused budget leaves no empty component behind.
        if (!(args.monthlyBudgetUsd > 0))
            throw new Error(`CostBudget ${name}: monthlyBudgetUsd must be positive, got ${args.monthlyBudgetUsd}`);
        if (args.alertEmails.length > 10) throw new Error(`CostBudget ${name}: AWS Budgets notifies at most 10 e-mail addresses`);
        super("ai-investment:observability:CostBudget", name, {}, opts);

        const subscribers = {
            subscriberEmailAddresses: args.alertEmails,
            subscriberSnsTopicArns: [args.topicArn],
        };
        this.budget = new aws.budgets.Budget(
            name,
            {
                name: `${pulumi.getProject()}-${pulumi.getStack()}-monthly`,
                budgetType: "COST",
                timeUnit: "MONTHLY",
                limitAmount: args.monthlyBudgetUsd.toFixed(2),
                limitUnit: "USD",
                costFilters: args.filterByProjectTag
                    ? [{ name: "TagKeyValue", values: [`user:${args.projectTagKey ?? "project"}$${pulumi.getProject()}`] }]
                    : undefined,
                notifications: [
                    {
                        notificationType: "ACTUAL",
                        comparisonOperator: "GREATER_THAN",
                        threshold: args.actualThresholdPercent ?? 80,
                        thresholdType: "PERCENTAGE",
                        ...subscribers,
                    },
                    {
                        notificationType: "FORECASTED",
                        comparisonOperator: "GREATER_THAN",
                        threshold: args.forecastThresholdPercent ?? 100,
                        thresholdType: "PERCENTAGE",
                        ...subscribers,
                    },
                ],
            },
            { parent: this },
        );
        this.budgetName = this.budget.name;

        this.registerOutputs({ budgetName: this.budgetName });
    }
}
