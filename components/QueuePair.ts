/**
 * QueuePair — an SQS work queue and its dead-letter queue, both encrypted with the stack's key and reachable only
 * over TLS. A message that fails `maxReceiveCount` times moves to the DLQ instead of being lost; the DLQ keeps it
 * for the 14-day maximum and only accepts redrives from its own work queue.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface QueuePairArgs {
    kmsKeyArn: pulumi.Input<string>;
    /**
     * Visibility timeout of the work queue. AWS's guidance for Lambda consumers is at least six times the function
     * timeout, so that retries of a slow batch don't overlap. Default 180 s.
     */
    visibilityTimeoutSeconds?: number;
    /** Receives before a message moves to the DLQ. Default 5. */
    maxReceiveCount?: number;
    /** Retention of the work queue. Default 4 days. */
    messageRetentionSeconds?: number;
}

const FOURTEEN_DAYS = 14 * 24 * 3600;

export class QueuePair extends pulumi.ComponentResource {
    readonly queue: aws.sqs.Queue;
    readonly deadLetterQueue: aws.sqs.Queue;

    constructor(name: string, args: QueuePairArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ai-investment:messaging:QueuePair", name, {}, opts);
        const encryption = { kmsMasterKeyId: args.kmsKeyArn, kmsDataKeyReusePeriodSeconds: 300 };

        this.deadLetterQueue = new aws.sqs.Queue(
            `${name}-dlq`,
            { ...encryption, messageRetentionSeconds: FOURTEEN_DAYS },
            { parent: this },
        );
        this.queue = new aws.sqs.Queue(
            name,
            {
                ...encryption,
                visibilityTimeoutSeconds: args.visibilityTimeoutSeconds ?? 180,
                messageRetentionSeconds: args.messageRetentionSeconds ?? 4 * 24 * 3600,
                receiveWaitTimeSeconds: 20,
                redrivePolicy: pulumi.jsonStringify({
                    deadLetterTargetArn: this.deadLetterQueue.arn,
                    maxReceiveCount: args.maxReceiveCount ?? 5,
                }),
            },
            { parent: this },
        );
        new aws.sqs.RedriveAllowPolicy(
            `${name}-dlq-redrive-allow`,
            {
                queueUrl: this.deadLetterQueue.url,
                redriveAllowPolicy: pulumi.jsonStringify({ redrivePermission: "byQueue", sourceQueueArns: [this.queue.arn] }),
            },
            { parent: this },
        );
        for (const [suffix, queue] of [
            ["", this.queue],
            ["-dlq", this.deadLetterQueue],
        ] as const) {
            new aws.sqs.QueuePolicy(
                `${name}${suffix}-policy`,
                { queueUrl: queue.url, policy: denyInsecureTransport(queue.arn) },
                { parent: this },
            );
        }

        this.registerOutputs({ queueArn: this.queue.arn, queueUrl: this.queue.url, deadLetterQueueArn: this.deadLetterQueue.arn });
    }
}

/** Queue policy refusing every request that doesn't arrive over TLS. */
export function denyInsecureTransport(queueArn: pulumi.Input<string>): pulumi.Output<string> {
    return pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "sqs:*",
                Resource: queueArn,
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    });
}
