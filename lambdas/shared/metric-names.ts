/**
 * Names of the business metrics, shared by the handlers (which emit them, shared/metrics.ts) and the business
 * dashboard (components/Dashboards.ts), so that a renamed metric cannot leave an empty chart behind. No imports: the
 * Pulumi program loads this file too.
 */
export const METRICS_NAMESPACE = "AiInvestment";

export const BUSINESS_METRICS = [
    "SignalsIngested",
    "SignalsDuplicate",
    "PayloadsRejected",
    "SourceFailures",
    "SignalsScored",
    "CandidatesFused",
    "RiskChecks",
    "ProposalsCreated",
    "DecisionsRecorded",
    "ProposalsExpired",
    "OutcomesEvaluated",
    "OutcomeHits",
    "AgentWeightsUpdated",
    "ErasuresCompleted",
    "DashboardPushes",
] as const;
export type BusinessMetric = (typeof BUSINESS_METRICS)[number];
