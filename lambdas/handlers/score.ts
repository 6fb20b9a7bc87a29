import { createScoreHandler } from "../shared/score-handler";

// SQS signals.ingested messages (scored and sent on to fusion) and POST /score (scores given keys synchronously).
export const handler = createScoreHandler();
