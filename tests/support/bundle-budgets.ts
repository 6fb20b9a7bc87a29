/**
 * The minified size budget of every handler bundle (lib/bundle.ts), in bytes (KB = 1000 bytes, as `npm run bench`
 * counts): issue 6's target, 350 KB, with the SDK clients bundled. How the functions meet it:
 * - S3, Secrets Manager and Bedrock Runtime are not SDK clients but REST adapters over one signed-fetch core
 *   (lambdas/adapters/aws-http.ts, signed by the @smithy/signature-v4 the DynamoDB client bundles anyway): s3-http.ts
 *   instead of @aws-sdk/client-s3 (~117 KB with its checksums, restXml protocol and endpoint rules; S3's XML is read with
 *   a few lines of its own for S3's error answers, and admin's listings with @rgrove/parse-xml), secrets-http.ts instead of @aws-sdk/client-secrets-manager (~10 KB), bedrock-http.ts
 *   instead of @aws-sdk/client-bedrock-runtime (~90 KB in the score-bedrock build). S3's operations are functions, so a
 *   bundle carries only those it calls (DeleteObjects and ListObjectVersions only in admin).
 * - lib/bundle.ts stubs the SDK modules a Lambda function never reaches and builds each client's exceptions with one
 *   factory (~20 KB a bundle).
 * - ingest-regulatory carries no REST code (it serves no route: shared/ingest-route.ts is imported by social and news).
 * The ingest functions with feeds have the least room: ingest-news ~5.9 KB, ingest-regulatory ~7.9 KB.
 */
export const BUNDLE_TARGET_BYTES = 350_000;
