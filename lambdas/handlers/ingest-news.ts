import { createIngestHandler } from "../shared/ingest-handler";

// Schedule {"task":"ingest","source":"news"} reads the configured news sources; POST /ingest/news ingests posted items.
export const handler = createIngestHandler("news", "POST /ingest/news");
