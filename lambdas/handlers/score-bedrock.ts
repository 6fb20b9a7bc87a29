import { BedrockRuntimeClient, ConverseCommand } from "@aws-sdk/client-bedrock-runtime";
import { bedrockScorer } from "../adapters/bedrock-scorer";
import { createScoreHandler } from "../shared/score-handler";

// The score function when the stack sets scorer: bedrock — the same handler with the model's sentiment (Converse API);
// a separate build so that the lexicon bundle does not carry the Bedrock client.
const client = new BedrockRuntimeClient({});

export const handler = createScoreHandler(process.env, (modelId, logger) =>
    bedrockScorer({ modelId, logger, converse: (request) => client.send(new ConverseCommand(request)) }),
);
