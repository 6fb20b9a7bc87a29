/**
 * The optional VPC (prod): closed default security group (EC2.2), flow logs per VPC (EC2.6), no auto-assigned public
 * IPs (EC2.15), world-open ingress only on authorised ports and never on high-risk ports (EC2.18, EC2.19), NACLs closed
 * to 22/3389 from the internet (EC2.21).
 *
 * awsx.ec2.Vpc is a remote component: in a real preview its children (aws:ec2/vpc, subnets, NACLs) are analysed; under
 * the offline mocks only the opaque awsx:ec2:Vpc appears, which these policies treat as a VPC.
 */
import type { PolicyResource } from "@pulumi/policy";
import { T, UNKNOWN, asArray, childrenByParent, isType, ofType, peek, resourcePolicy, stackPolicy } from "./util";

/**
 * Children declared against a VPC. Programs pass awsx's `vpc.vpcId`, which depends on the awsx:ec2:Vpc component,
 * while a real preview also shows its aws:ec2/vpc:Vpc child: both count as the same VPC.
 */
function perVpc(resources: PolicyResource[], childTypes: readonly string[]): [PolicyResource, PolicyResource[]][] {
    const vpcs = ofType(resources, T.vpc);
    const children = childrenByParent(resources, childTypes, "vpcId", vpcs);
    return vpcs
        .filter((vpc) => !(vpc.type === "aws:ec2/vpc:Vpc" && vpc.parent?.type === "awsx:ec2:Vpc"))
        .map((vpc) => {
            const own = [...children.get(vpc)!];
            // The awsx component stands for its aws:ec2/vpc:Vpc child and the other way round.
            for (const other of vpcs) if (other.parent === vpc || vpc.parent === other) own.push(...children.get(other)!);
            return [vpc, own];
        });
}

export const defaultSecurityGroupClosed = stackPolicy({
    name: "ec2-default-security-group-closed",
    description: "Every VPC's default security group has no ingress and no egress rules (EC2.2).",
    severity: "high",
    tags: ["network", "EC2.2"],
    remediationSteps: "Adopt the default group with aws.ec2.DefaultSecurityGroup { vpcId, ingress: [], egress: [] } (Network does this).",
    validateStack: (args, report) => {
        for (const [vpc, groups] of perVpc(args.resources, T.defaultSecurityGroup)) {
            if (!groups.length)
                report(`VPC ${vpc.name} does not manage its default security group (it allows all traffic within the group).`, vpc.urn);
        }
        for (const group of ofType(args.resources, T.defaultSecurityGroup)) {
            const open = ["ingress", "egress"].filter((k) => {
                const rules = peek(group.props, k);
                return rules === UNKNOWN || rules === undefined || (Array.isArray(rules) && rules.length > 0);
            });
            if (open.length) report(`default security group ${group.name} keeps ${open.join(" and ")} rules; set both to [].`, group.urn);
        }
    },
});

export const vpcFlowLogs = stackPolicy({
    name: "ec2-vpc-flow-logs",
    description: "Every VPC has a flow log capturing REJECT or ALL traffic (EC2.6, AwsSolutions-VPC7).",
    severity: "medium",
    tags: ["network", "EC2.6"],
    remediationSteps: 'Declare aws.ec2.FlowLog { vpcId, trafficType: "ALL", logDestination: <encrypted log group> }.',
    validateStack: (args, report) => {
        for (const [vpc, logs] of perVpc(args.resources, T.flowLog)) {
            const ok = logs.some((l) => ["ALL", "REJECT", UNKNOWN].includes(peek(l.props, "trafficType") as string));
            if (!ok) report(`VPC ${vpc.name} has no flow log for rejected traffic.`, vpc.urn);
        }
    },
});

export const subnetNoPublicIp = resourcePolicy({
    name: "ec2-subnet-no-public-ip",
    description: "Subnets don't auto-assign public IPv4 addresses (EC2.15).",
    severity: "medium",
    tags: ["network", "EC2.15"],
    remediationSteps: "Set mapPublicIpOnLaunch: false; NAT gateways use Elastic IPs and need no auto-assigned address.",
    validateResource: (args, report) => {
        if (!isType(args.type, T.subnet)) return;
        if (peek(args.props, "mapPublicIpOnLaunch") === true) report("subnet auto-assigns public IP addresses (mapPublicIpOnLaunch).");
    },
});

const WORLD = ["0.0.0.0/0", "::/0"];
const HIGH_RISK_PORTS = [
    20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500, 5601, 8080, 8088, 8888, 9200, 9300,
];

interface Rule {
    from: number;
    to: number;
    protocol: string;
    cidrs: string[];
}

const toRule = (r: unknown, cidrKeys: string[]): Rule => ({
    from: Number(peek(r, "fromPort") ?? 0),
    to: Number(peek(r, "toPort") ?? 65535),
    protocol: String(peek(r, "protocol") ?? peek(r, "ipProtocol") ?? "-1"),
    cidrs: cidrKeys.flatMap((k) => {
        const v = peek(r, k);
        return v === UNKNOWN ? [] : (asArray(v as string | string[]) as string[]);
    }),
});

export const securityGroupIngressRestricted = resourcePolicy({
    name: "ec2-security-group-ingress-restricted",
    description:
        "Security groups open to 0.0.0.0/0 or ::/0 only on authorised ports (default TCP 80, 443) and never on high-risk ports such as 22, 3389, 3306 (EC2.18, EC2.19).",
    severity: "critical",
    tags: ["network", "EC2.18", "EC2.19"],
    configSchema: { properties: { authorizedPorts: { type: "array", items: { type: "integer" }, default: [80, 443] } } },
    remediationSteps: "Restrict the source to known CIDRs or security groups; expose only 80/443 to the internet.",
    validateResource: (args, report) => {
        const rules: Rule[] = [];
        if (isType(args.type, T.securityGroup)) {
            const ingress = peek(args.props, "ingress");
            if (Array.isArray(ingress)) rules.push(...ingress.map((r) => toRule(r, ["cidrBlocks", "ipv6CidrBlocks"])));
        } else if (isType(args.type, T.securityGroupRule)) {
            if (peek(args.props, "type") === "ingress") rules.push(toRule(args.props, ["cidrBlocks", "ipv6CidrBlocks"]));
        } else if (isType(args.type, T.securityGroupIngressRule)) {
            rules.push(toRule(args.props, ["cidrIpv4", "cidrIpv6"]));
        } else return;
        const { authorizedPorts } = args.getConfig<{ authorizedPorts: number[] }>();
        for (const rule of rules) {
            if (!rule.cidrs.some((c) => WORLD.includes(c))) continue;
            const allPorts = rule.protocol === "-1" || rule.protocol === "all";
            const from = allPorts ? 0 : rule.from;
            const to = allPorts ? 65535 : rule.to;
            const risky = HIGH_RISK_PORTS.filter((p) => p >= from && p <= to);
            if (risky.length) report(`ingress from the internet reaches high-risk ports ${risky.join(", ")} (EC2.19).`);
            else if (!(from === to && authorizedPorts.includes(from)))
                report(`ingress from the internet on ports ${from}-${to}; only ${authorizedPorts.join(", ")} are authorised (EC2.18).`);
        }
    },
});

export const naclNoAdminPorts = resourcePolicy({
    name: "ec2-nacl-no-admin-ports",
    description: "Network ACLs don't allow 0.0.0.0/0 or ::/0 ingress to SSH (22) or RDP (3389) (EC2.21).",
    severity: "medium",
    tags: ["network", "EC2.21"],
    remediationSteps: "Remove or narrow the allow entry for 22/3389.",
    validateResource: (args, report) => {
        const entries: unknown[] = [];
        if (isType(args.type, T.networkAcl)) {
            const ingress = peek(args.props, "ingress");
            if (Array.isArray(ingress)) entries.push(...ingress.map((e) => ({ ...JSON.parse(JSON.stringify(e)), egress: false })));
        } else if (isType(args.type, T.networkAclRule)) entries.push(args.props);
        else return;
        for (const e of entries) {
            if (peek(e, "egress") === true) continue;
            const action = String(peek(e, "action") ?? peek(e, "ruleAction") ?? "");
            if (action.toLowerCase() !== "allow") continue;
            const cidr = [peek(e, "cidrBlock"), peek(e, "ipv6CidrBlock")];
            if (!cidr.some((c) => WORLD.includes(c as string))) continue;
            const protocol = String(peek(e, "protocol") ?? "-1");
            const from = protocol === "-1" ? 0 : Number(peek(e, "fromPort") ?? 0);
            const to = protocol === "-1" ? 65535 : Number(peek(e, "toPort") ?? 65535);
            const hit = [22, 3389].filter((p) => p >= from && p <= to);
            if (hit.length) report(`network ACL allows the internet to reach port ${hit.join(" and ")}.`);
        }
    },
});

export const networkPolicies = [
    defaultSecurityGroupClosed,
    vpcFlowLogs,
    subnetNoPublicIp,
    securityGroupIngressRestricted,
    naclNoAdminPorts,
];
