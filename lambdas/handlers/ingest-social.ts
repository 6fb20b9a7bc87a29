import { createIngestHandler } from "../shared/ingest-handler";
import { ingestRoute } from "../shared/ingest-route";
import { socialSources } from "../sources/social-sources";

// Schedule {"task":"ingest","source":"social"} reads the configured social sources; POST /ingest/social ingests posted items.
export const handler = createIngestHandler(socialSources, ingestRoute("POST /ingest/social"));
