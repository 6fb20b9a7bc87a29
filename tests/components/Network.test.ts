import { expect } from "chai";
import { runInline } from "../../offline/engine";
import { ResourceGraph } from "../../offline/graph";
import { Network } from "../../components/Network";

const KEY_ARN = "arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

describe("Network", () => {
    let graph: ResourceGraph;
    let outputs: { vpcId: string; privateSubnetIds: string[]; lambdaSecurityGroupId: string };
    const vpc = () => graph.one("awsx:ec2:Vpc", "net-vpc");

    before(async () => {
        const { result, resources } = await runInline(() => {
            new Network("ha", { cidrBlock: "10.1.0.0/16", kmsKeyArn: KEY_ARN, natPerAz: true, region: "eu-central-1" });
            return new Network("net", { cidrBlock: "10.0.0.0/16", kmsKeyArn: KEY_ARN, region: "eu-central-1" });
        });
        graph = new ResourceGraph(resources);
        const unwrap = <T>(o: { apply<U>(f: (v: T) => U): unknown }) => new Promise<T>((resolve) => o.apply(resolve));
        outputs = {
            vpcId: await unwrap(result.vpcId),
            privateSubnetIds: await unwrap(result.privateSubnetIds),
            lambdaSecurityGroupId: await unwrap(result.lambdaSecurityGroupId),
        };
    });

    it("builds a two-AZ VPC of private and public subnets with one NAT gateway unless one per AZ is asked for", () => {
        expect(vpc().inputs).to.deep.include({
            cidrBlock: "10.0.0.0/16",
            numberOfAvailabilityZones: 2,
            natGateways: { strategy: "Single" },
        });
        expect(vpc().inputs.subnetSpecs.map((s: any) => s.type)).to.deep.equal(["Private", "Public"]);
        expect(graph.one("awsx:ec2:Vpc", "ha-vpc").inputs.natGateways).to.deep.equal({ strategy: "OnePerAz" });
    });

    it("keeps S3 and DynamoDB traffic on gateway endpoints", () => {
        expect(vpc().inputs.vpcEndpointSpecs).to.deep.equal([
            { serviceName: "com.amazonaws.eu-central-1.s3", vpcEndpointType: "Gateway" },
            { serviceName: "com.amazonaws.eu-central-1.dynamodb", vpcEndpointType: "Gateway" },
        ]);
        expect(vpc().inputs.vpcEndpointStrategy).to.equal("Auto");
    });

    it("gives the functions a security group with no ingress and HTTPS-only egress", () => {
        const sg = graph.one("aws:ec2/securityGroup:SecurityGroup", "net-lambda-sg");
        expect(sg.inputs.vpcId).to.equal(vpc().outputs.vpcId);
        expect(sg.inputs.ingress).to.deep.equal([]);
        expect(sg.inputs.egress).to.have.length(1);
        expect(sg.inputs.egress[0]).to.deep.include({ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] });
        expect(outputs.lambdaSecurityGroupId).to.equal(sg.id);
    });

    it("empties the VPC's default security group (EC2.2)", () => {
        const sg = graph.one("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "net-default-sg");
        expect(sg.inputs.vpcId).to.equal(vpc().outputs.vpcId);
        expect(sg.inputs.ingress).to.deep.equal([]);
        expect(sg.inputs.egress).to.deep.equal([]);
        expect(sg.id).to.match(/^sg-[0-9a-f]{17}$/);
    });

    it("logs ALL traffic to an encrypted log group through a role that may only write that group", () => {
        const flowLog = graph.one("aws:ec2/flowLog:FlowLog", "net-flow-log");
        const group = graph.one("aws:cloudwatch/logGroup:LogGroup", "net-flow-logs");
        expect(flowLog.inputs).to.include({
            vpcId: vpc().outputs.vpcId,
            trafficType: "ALL",
            logDestinationType: "cloud-watch-logs",
            logDestination: group.outputs.arn,
        });
        expect(group.inputs).to.include({ kmsKeyId: KEY_ARN, retentionInDays: 365 });

        const role = graph.one("aws:iam/role:Role", "net-flow-logs-role");
        expect(flowLog.inputs.iamRoleArn).to.equal(role.outputs.arn);
        expect(JSON.parse(role.inputs.assumeRolePolicy).Statement).to.deep.equal([
            {
                Effect: "Allow",
                Principal: { Service: "vpc-flow-logs.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: { StringEquals: { "aws:SourceAccount": "111122223333" } },
            },
        ]);
        const doc = JSON.parse(graph.one("aws:iam/policy:Policy", "net-flow-logs-policy").inputs.policy);
        const resources = doc.Statement.flatMap((s: any) => [s.Resource].flat());
        expect(resources).to.deep.equal([`${group.outputs.arn}:*`]);
        expect(doc.Statement.flatMap((s: any) => s.Action).every((a: string) => a.startsWith("logs:") && a !== "logs:*")).to.equal(true);
    });

    it("exposes the VPC id and private subnets of the VPC", () => {
        expect(outputs.vpcId).to.equal(vpc().outputs.vpcId).and.to.match(/^vpc-/);
        expect(outputs.privateSubnetIds).to.deep.equal(vpc().outputs.privateSubnetIds).and.to.have.length(2);
    });

    it("parents every resource to the component", () => {
        const component = graph.one("ai-investment:network:Network", "net");
        expect(
            graph
                .children(component)
                .map((r) => r.name)
                .sort(),
        ).to.deep.equal([
            "net-default-sg",
            "net-flow-log",
            "net-flow-logs",
            "net-flow-logs-policy",
            "net-flow-logs-policy-attachment",
            "net-flow-logs-role",
            "net-lambda-sg",
            "net-vpc",
        ]);
    });
});
