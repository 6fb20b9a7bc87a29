import { createFuseHandler } from "../shared/fuse-handler";

// SQS signals.scored messages: fuses the assets they touch and sends candidates to the risk check.
export const handler = createFuseHandler();
