/**
 * The AWS clients of the pipeline functions. A handler builds each client it needs once, at cold start, and reuses
 * it for the container's lifetime (connection reuse across invocations). Region, credentials and endpoints come from the
 * Lambda environment (AWS_REGION, the execution role, and AWS_ENDPOINT_URL_<SERVICE> where set). One function per
 * client, so that a bundle carries only the clients its handler uses. S3 and Secrets Manager are not the SDK's clients
 * but the REST adapters of s3-http.ts and secrets-http.ts over aws-http.ts (why: see there).
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { createDocumentClient } from "./dynamo-items";
import { type S3Api, S3Core, S3Http, s3Writer } from "./s3-http";
import { SecretsManagerHttp } from "./secrets-http";

export function dynamoDocumentClient(): DynamoDBDocumentClient {
    return createDocumentClient(new DynamoDBClient({}));
}

/** PutObject only — all that ingest, score, fuse and evaluate do in S3; the other operations stay out of their bundles. */
export function s3Client(): Pick<S3Api, "putObject"> {
    return s3Writer(S3Core.fromEnvironment());
}

/** Every S3 operation of s3-http.ts (PutObject, GetObject, DeleteObjects, ListObjectVersions): admin's erasure. */
export function s3FullClient(): S3Http {
    return S3Http.fromEnvironment();
}

/**
 * Requests go to the client's endpoint (the function's region, or AWS_ENDPOINT_URL_SQS), not to the host of the queue
 * URL: the pipeline's queues live in the function's own region.
 */
export function sqsClient(): SQSClient {
    return new SQSClient({ useQueueUrlAsEndpoint: false });
}

/** GetSecretValue (AWS_ENDPOINT_URL_SECRETS_MANAGER where set), for a SecretReader. */
export function secretsManagerClient(): SecretsManagerHttp {
    return SecretsManagerHttp.fromEnvironment();
}
