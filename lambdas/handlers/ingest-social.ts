import { createIngestHandler } from "../shared/ingest-handler";
import { socialSources } from "../sources/social-sources";

// Schedule {"task":"ingest","source":"social"} reads the configured social sources; POST /ingest/social ingests posted items.
export const handler = createIngestHandler(socialSources, "POST /ingest/social");
