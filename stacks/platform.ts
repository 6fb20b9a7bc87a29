/**
 * The whole platform of one stack, composed in the order of the seed's stacks:
 * security → data → auth → compute → api → observability. Everything comes from the validated config.
 */
import * as aws from "@pulumi/aws";
import type { StackConfig } from "../config/stackConfig";
import { buildApi } from "./api";
import { buildAuth } from "./auth";
import { buildCompute } from "./compute";
import { buildData } from "./data";
import { buildObservability } from "./observability";
import { buildSecurity } from "./security";

export function buildPlatform(config: StackConfig) {
    // Explicit providers carry the required tags as default tags, so every taggable resource gets them and policy
    // packs can see them on the provider each resource references.
    const defaultTags = { tags: config.tags };
    const primary = new aws.Provider("aws", { region: config.region as aws.Region, defaultTags });
    const replica = config.replicationRegion
        ? new aws.Provider("aws-replica", { region: config.replicationRegion as aws.Region, defaultTags })
        : undefined;
    const providers = { primary, replica };

    const security = buildSecurity(config, providers);
    const data = buildData(config, security, providers);
    const auth = buildAuth(config, primary);
    const compute = buildCompute(config, security, data, auth, primary);
    const api = buildApi(config, security, auth, compute, primary);
    const observability = buildObservability(config, security, data, compute, api, providers);

    return { security, data, auth, compute, api, observability };
}
