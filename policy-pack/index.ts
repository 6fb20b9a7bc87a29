/**
 * ai-investment-controls — the CrossGuard pack of the ai-investment platform. Only constructs the pack: every policy
 * lives in policies/<concern>.ts (see README.md for what each enforces and the control mapping).
 */
import { PolicyPack } from "@pulumi/policy";
import { encryptionPolicies } from "./policies/encryption";
import { leastPrivilegePolicies } from "./policies/least-privilege";
import { networkPolicies } from "./policies/network";
import { operationsPolicies } from "./policies/operations";
import { publicAccessPolicies } from "./policies/public-access";
import { transportApiPolicies } from "./policies/transport-api";

new PolicyPack("ai-investment-controls", {
    policies: [
        ...encryptionPolicies,
        ...publicAccessPolicies,
        ...leastPrivilegePolicies,
        ...transportApiPolicies,
        ...operationsPolicies,
        ...networkPolicies,
    ],
    enforcementLevel: "mandatory",
});
