import * as aws from "@pulumi/aws";
import { describePolicyCases } from "./support";

const vpc = (name: string) => new aws.ec2.Vpc(name, { cidrBlock: "10.0.0.0/16" });

describe("policy pack: network", function () {
    this.timeout(120_000);

    describePolicyCases([
        {
            policy: "ec2-default-security-group-closed",
            pass: () => {
                const closed = vpc("closed");
                new aws.ec2.DefaultSecurityGroup("closed-default-sg", { vpcId: closed.id, ingress: [], egress: [] });
            },
            fail: () => {
                vpc("unmanaged");
                const open = vpc("open");
                new aws.ec2.DefaultSecurityGroup("open-default-sg", {
                    vpcId: open.id,
                    ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, self: true }],
                    egress: [],
                });
            },
            failing: ["unmanaged", "open-default-sg"],
        },
        {
            policy: "ec2-vpc-flow-logs",
            pass: () => {
                const logged = vpc("logged");
                new aws.ec2.FlowLog("logged-flow-log", {
                    vpcId: logged.id,
                    trafficType: "ALL",
                    logDestination: "arn:aws:logs:eu-central-1:1:log-group:f",
                });
            },
            fail: () => {
                const acceptOnly = vpc("accept-only");
                new aws.ec2.FlowLog("accept-only-flow-log", {
                    vpcId: acceptOnly.id,
                    trafficType: "ACCEPT",
                    logDestination: "arn:aws:logs:eu-central-1:1:log-group:f",
                });
                vpc("dark");
            },
            failing: ["accept-only", "dark"],
        },
        {
            policy: "ec2-subnet-no-public-ip",
            pass: () => void new aws.ec2.Subnet("private", { vpcId: "vpc-1", cidrBlock: "10.0.1.0/24" }),
            fail: () => void new aws.ec2.Subnet("public", { vpcId: "vpc-1", cidrBlock: "10.0.2.0/24", mapPublicIpOnLaunch: true }),
            failing: ["public"],
        },
        {
            policy: "ec2-security-group-ingress-restricted",
            pass: () => {
                new aws.ec2.SecurityGroup("https", {
                    vpcId: "vpc-1",
                    ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }],
                });
                new aws.ec2.SecurityGroup("internal-ssh", {
                    vpcId: "vpc-1",
                    ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/8"] }],
                });
            },
            fail: () => {
                new aws.ec2.SecurityGroup("world-ssh", {
                    vpcId: "vpc-1",
                    ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }],
                });
                new aws.vpc.SecurityGroupIngressRule("world-8443", {
                    securityGroupId: "sg-1",
                    ipProtocol: "tcp",
                    fromPort: 8443,
                    toPort: 8443,
                    cidrIpv6: "::/0",
                });
            },
            failing: ["world-ssh", "world-8443"],
            message: /high-risk ports 22/,
        },
        {
            policy: "ec2-nacl-no-admin-ports",
            pass: () =>
                void new aws.ec2.NetworkAclRule("https-in", {
                    networkAclId: "acl-1",
                    ruleNumber: 100,
                    egress: false,
                    protocol: "tcp",
                    ruleAction: "allow",
                    cidrBlock: "0.0.0.0/0",
                    fromPort: 443,
                    toPort: 443,
                }),
            fail: () =>
                void new aws.ec2.NetworkAclRule("rdp-in", {
                    networkAclId: "acl-1",
                    ruleNumber: 110,
                    egress: false,
                    protocol: "tcp",
                    ruleAction: "allow",
                    cidrBlock: "0.0.0.0/0",
                    fromPort: 3389,
                    toPort: 3389,
                }),
            failing: ["rdp-in"],
        },
    ]);
});
