/**
 * The product capabilities that later issues deliver. Pending routes, queue consumers and schedules name the one that
 * will implement them, so a 501 or a DLQ message says where the work is tracked instead of faking a result.
 */
export const CAPABILITIES = [
    "social-ingestion",
    "news-ingestion",
    "regulatory-ingestion",
    "signal-scoring",
    "signal-fusion",
    "risk-assessment",
    "proposal-generation",
    "decision-management",
    "outcome-evaluation",
    "agent-recalibration",
    "dashboard-metrics",
    "dashboard-streaming",
] as const;

export type Capability = (typeof CAPABILITIES)[number];
