// Loads index.ts the way the Pulumi CLI's Node.js language host does (@pulumi/pulumi/cmd/run/run.js): the SDK's
// ts-node registration with the project's TypeScript and tsconfig.json, type-checking on, plain CommonJS require —
// no tsx. Config arrives in PULUMI_CONFIG exactly as the CLI passes it. Resources go to a minimal mock monitor.
// Prints one JSON line: {"resources": <count>, "types": <distinct types>}.
"use strict";
const path = require("node:path");
const projectRoot = path.resolve(__dirname, "..", "..");
process.chdir(projectRoot);

const pulumi = require("@pulumi/pulumi");
const tsutils = require("@pulumi/pulumi/tsutils");

const stack = process.argv[2];
let count = 0;
const types = new Set();
pulumi.runtime.setMocks(
    {
        newResource(args) {
            count++;
            types.add(args.type);
            return { id: `${args.name}-id`, state: { ...args.inputs, arn: `arn:aws:mock:eu-central-1:111122223333:${args.name}`, name: args.inputs.name ?? args.name } };
        },
        call(args) {
            return { accountId: "111122223333", region: "eu-central-1", name: "eu-central-1", partition: "aws" };
        },
    },
    "ai-investment",
    stack,
    false,
);

// The same options run.js builds for a CommonJS TypeScript project.
const compilerOptions = tsutils.loadTypeScriptCompilerOptions("tsconfig.json");
const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
require(tsnodeRequire).register({
    compiler: typescriptRequire,
    transpileOnly: compilerOptions.noCheck,
    project: "tsconfig.json",
    skipProject: false,
    compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true", ...compilerOptions },
});

require(path.join(projectRoot, "index.ts"));
pulumi.runtime.waitForRPCs().then(
    () => {
        console.log(JSON.stringify({ resources: count, types: types.size, typescript: require(typescriptRequire).version }));
    },
    (error) => {
        console.error(error);
        process.exit(1);
    },
);
