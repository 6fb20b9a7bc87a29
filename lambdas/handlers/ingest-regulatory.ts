import { createIngestHandler } from "../shared/ingest-handler";
import { regulatorySources } from "../sources/regulatory-sources";

// Regulatory sources have no REST route: they are only ingested on schedule {"task":"ingest","source":"regulatory"}.
export const handler = createIngestHandler(regulatorySources, undefined);
