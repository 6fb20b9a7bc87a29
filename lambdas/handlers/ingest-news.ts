import { createIngestHandler } from "../shared/ingest-handler";
import { ingestRoute } from "../shared/ingest-route";
import { newsSources } from "../sources/news-sources";

// Schedule {"task":"ingest","source":"news"} reads the configured news sources; POST /ingest/news ingests posted items.
export const handler = createIngestHandler(newsSources, ingestRoute("POST /ingest/news"));
