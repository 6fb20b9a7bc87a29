import { createIngestHandler } from "../shared/ingest-handler";

// Schedule {"task":"ingest","source":"social"} reads the configured social sources; POST /ingest/social ingests posted items.
export const handler = createIngestHandler("social", "POST /ingest/social");
