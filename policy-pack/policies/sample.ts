import type { ResourceValidationPolicy } from "@pulumi/policy";
export const sample: ResourceValidationPolicy = {
    name: "sample-bucket-pab",
    description: "sample",
    enforcementLevel: "mandatory",
    configSchema: { properties: { minimum: { type: "number", default: 3 } } },
    validateResource: (args, report) => {
        if (args.type === "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock" && args.props.blockPublicAcls !== true) report(`not blocked (min ${args.getConfig<{ minimum: number }>().minimum})`);
        if (args.type === "aws:lambda/function:Function" && args.props.runtime !== "nodejs24.x") report("bad runtime");
    },
};
