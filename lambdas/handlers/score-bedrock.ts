import { BedrockRuntimeHttp } from "../adapters/bedrock-http";
import { bedrockScorer } from "../adapters/bedrock-scorer";
import { createScoreHandler } from "../shared/score-handler";

// The score function when the stack sets scorer: bedrock — the same handler with the model's sentiment (Converse API);
// a separate build so that the lexicon bundle does not carry the Bedrock adapter.
const bedrock = BedrockRuntimeHttp.fromEnvironment();

export const handler = createScoreHandler(process.env, (modelId, logger) =>
    bedrockScorer({ modelId, logger, converse: (request) => bedrock.converse(request) }),
);
