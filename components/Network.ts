/**
 * Network — the optional VPC for the functions (seed 001/002: private subnets "falls konfiguriert").
 *
 * Two AZs with private and public subnets (the public ones only hold the NAT gateway), gateway endpoints so S3 and
 * DynamoDB traffic stays off the NAT, a function security group that accepts nothing and only speaks HTTPS out, the
 * default security group emptied (EC2.2) and flow logs of all traffic to an encrypted log group (EC2.6).
 */
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import type { PolicyDocument } from "../lib/grants";
import { serviceTrustPolicy } from "./IngestFunction";

export interface NetworkArgs {
    /** CIDR of the VPC, e.g. `10.0.0.0/16` (config `vpcCidr`). */
    cidrBlock: string;
    /** The stack's customer-managed key; encrypts the flow-log group. */
    kmsKeyArn: pulumi.Input<string>;
    /** One NAT gateway per AZ instead of a single shared one: survives an AZ outage, costs one more gateway. Default false. */
    natPerAz?: boolean;
    /** Retention of the flow logs. Default 365 days (CloudWatch.16). */
    flowLogRetentionDays?: number;
    /** Region of the VPC's provider, e.g. `eu-central-1`; names the endpoint services (a plain string in awsx). */
    region: string;
}

export class Network extends pulumi.ComponentResource {
    readonly vpc: awsx.ec2.Vpc;
    readonly lambdaSecurityGroup: aws.ec2.SecurityGroup;
    readonly flowLogGroup: aws.cloudwatch.LogGroup;
    readonly vpcId: pulumi.Output<string>;
    readonly privateSubnetIds: pulumi.Output<string[]>;
    readonly publicSubnetIds: pulumi.Output<string[]>;
    readonly lambdaSecurityGroupId: pulumi.Output<string>;

    constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ai-investment:network:Network", name, {}, opts);
        const region = args.region;
        const parent = { parent: this };
        const account = aws.getCallerIdentityOutput({}, parent).accountId;

        this.vpc = new awsx.ec2.Vpc(
            `${name}-vpc`,
            {
                cidrBlock: args.cidrBlock,
                numberOfAvailabilityZones: 2,
                subnetStrategy: "Auto",
                subnetSpecs: [{ type: "Private" }, { type: "Public" }],
                natGateways: { strategy: args.natPerAz ? "OnePerAz" : "Single" },
                enableDnsSupport: true,
                enableDnsHostnames: true,
                // Gateway endpoints are free; "Auto" attaches them to the route tables the component creates.
                vpcEndpointStrategy: "Auto",
                vpcEndpointSpecs: ["s3", "dynamodb"].map((service) => ({
                    serviceName: `com.amazonaws.${region}.${service}`,
                    vpcEndpointType: "Gateway",
                })),
            },
            parent,
        );
        this.vpcId = this.vpc.vpcId;
        this.privateSubnetIds = this.vpc.privateSubnetIds;
        this.publicSubnetIds = this.vpc.publicSubnetIds;

        this.lambdaSecurityGroup = new aws.ec2.SecurityGroup(
            `${name}-lambda-sg`,
            {
                description: "Lambda functions: no inbound traffic, HTTPS out only (AWS APIs and the data providers)",
                vpcId: this.vpcId,
                ingress: [],
                egress: [
                    {
                        description: "HTTPS to AWS APIs and external data providers",
                        protocol: "tcp",
                        fromPort: 443,
                        toPort: 443,
                        cidrBlocks: ["0.0.0.0/0"],
                    },
                ],
            },
            parent,
        );
        this.lambdaSecurityGroupId = this.lambdaSecurityGroup.id;

        // Adopting the default group with no rules strips the allow-all rules AWS puts there (EC2.2).
        new aws.ec2.DefaultSecurityGroup(`${name}-default-sg`, { vpcId: this.vpcId, ingress: [], egress: [] }, parent);

        this.flowLogGroup = new aws.cloudwatch.LogGroup(
            `${name}-flow-logs`,
            {
                name: `/aws/vpc/flow-logs/${pulumi.getProject()}-${pulumi.getStack()}-${name}`,
                retentionInDays: args.flowLogRetentionDays ?? 365,
                kmsKeyId: args.kmsKeyArn,
            },
            parent,
        );
        const role = new aws.iam.Role(
            `${name}-flow-logs-role`,
            {
                description: `VPC Flow Logs delivers ${name}'s flow records to its log group`,
                assumeRolePolicy: account.apply((accountId) => serviceTrustPolicy("vpc-flow-logs.amazonaws.com", accountId)),
            },
            parent,
        );
        const policy = new aws.iam.Policy(
            `${name}-flow-logs-policy`,
            {
                description: `VPC Flow Logs writes only to ${name}'s flow-log group`,
                policy: this.flowLogGroup.arn.apply((arn) =>
                    JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [
                            {
                                Sid: "WriteFlowLogGroup",
                                Effect: "Allow",
                                // The group exists already, so no logs:CreateLogGroup; DescribeLogStreams lets the
                                // service find its streams again.
                                Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                                Resource: [`${arn}:*`],
                            },
                        ],
                    } satisfies PolicyDocument),
                ),
            },
            parent,
        );
        const attachment = new aws.iam.RolePolicyAttachment(
            `${name}-flow-logs-policy-attachment`,
            { role: role.name, policyArn: policy.arn },
            parent,
        );
        new aws.ec2.FlowLog(
            `${name}-flow-log`,
            {
                vpcId: this.vpcId,
                trafficType: "ALL",
                logDestinationType: "cloud-watch-logs",
                logDestination: this.flowLogGroup.arn,
                iamRoleArn: role.arn,
            },
            { parent: this, dependsOn: [attachment] },
        );

        this.registerOutputs({
            vpcId: this.vpcId,
            privateSubnetIds: this.privateSubnetIds,
            lambdaSecurityGroupId: this.lambdaSecurityGroupId,
        });
    }
}
