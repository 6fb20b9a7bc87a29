import { PolicyPack } from "@pulumi/policy";
import { sample } from "./policies/sample";
new PolicyPack("ai-investment-controls", { policies: [sample] });
