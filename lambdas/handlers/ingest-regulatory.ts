import { createIngestHandler } from "../shared/ingest-handler";

// Regulatory sources have no REST route: they are only ingested on schedule {"task":"ingest","source":"regulatory"}.
export const handler = createIngestHandler("regulatory", undefined);
