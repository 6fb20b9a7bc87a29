/**
 * The AWS clients of the pipeline functions. A handler builds each client it needs once, at cold start, and reuses
 * it for the container's lifetime (connection reuse across invocations). Region, credentials and endpoints come from the
 * Lambda environment (AWS_REGION, the execution role, and AWS_ENDPOINT_URL_<SERVICE> where set). One function per
 * client, so that a bundle carries only the clients its handler uses. S3 is not the SDK's client but the REST adapter of
 * s3-http.ts (why: see there).
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { createDocumentClient } from "./dynamo-items";
import { S3Http } from "./s3-http";

export function dynamoDocumentClient(): DynamoDBDocumentClient {
    return createDocumentClient(new DynamoDBClient({}));
}

export function s3Client(): S3Http {
    return S3Http.fromEnvironment();
}

/**
 * Requests go to the client's endpoint (the function's region, or AWS_ENDPOINT_URL_SQS), not to the host of the queue
 * URL: the pipeline's queues live in the function's own region.
 */
export function sqsClient(): SQSClient {
    return new SQSClient({ useQueueUrlAsEndpoint: false });
}

export function secretsManagerClient(): SecretsManagerClient {
    return new SecretsManagerClient({});
}
