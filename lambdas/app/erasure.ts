/**
 * GDPR erasure of one author of one source (`POST /admin/erasure`), see domain/erasure.ts for the policy.
 *
 * 1. pseudonym = HMAC(key, "<source>:<handle>") with the ingestion key (domain/pseudonym.ts) — the handle itself is
 *    never stored, so this is the only way to find the person's data;
 * 2. their signals through GSI byAuthor, read in full for their raw object keys;
 * 3. per raw object: exclusive (no one else's signal references it) → deleted with all versions; shared or
 *    undetermined → kept (listed in the audit record);
 * 4. the signals are deleted — after the raw objects, so that a failure half-way leaves the signals that lead a retry
 *    to the same objects;
 * 5. an audit record (counts, keyed hashes, requester, times; no handle, no pseudonym) is written once to the eval
 *    bucket under `erasures/yyyy/mm/dd/<erasureId>.json`.
 * GSI byAuthor is eventually consistent: a signal stored in the last second may be missed; erasing again is safe.
 */
import { randomUUID } from "node:crypto";
import {
    AUDIT_HASHING,
    auditHash,
    classifyRawObjects,
    ERASURE_POLICY,
    type ErasureAudit,
    erasureAuditKey,
    erasureAuditSchema,
    referenceWindows,
    type SubjectSignal,
} from "../domain/erasure";
import { authorPseudonym, normalizeHandle } from "../domain/pseudonym";
import type { Signal, SourceKind } from "../domain/signals";
import type { SignalKey } from "../domain/values";
import type { RequestBody } from "../shared/api-schemas";
import { AppError } from "../shared/errors";
import { featuresObjectKey } from "./keys";
import type { Logger } from "../shared/logger";
import type { MetricsSink } from "../shared/metrics";

export interface ErasureDeps {
    /** The pseudonym key (≥ 32 bytes): the secret ingestion reads (adapters/pseudonym-key.ts). */
    pseudonymKey(): Promise<Uint8Array>;
    signals: {
        keysByAuthor(authorPseudonym: string): Promise<SignalKey[]>;
        get(keys: readonly SignalKey[]): Promise<Signal[]>;
        deleteMany(keys: readonly SignalKey[]): Promise<void>;
    };
    references: {
        rawObjectReferences(
            query: { agent: string; fromTs: string; toTs: string; rawObjectKeys: readonly string[] },
            maxPages?: number,
        ): Promise<{ references: { rawObjectKey: string; authorPseudonym?: string }[]; complete: boolean }>;
    };
    /** Raw-data bucket: deletes keys with all their versions, returns the number of versions deleted. */
    rawObjects: { erase(keys: readonly string[]): Promise<number> };
    /** Features bucket: the score step's record of each signal (`signals/…`), erased with the signal. */
    featureRecords: { erase(keys: readonly string[]): Promise<number> };
    /** Eval bucket: writes a key that must not exist yet. */
    auditLog: { putOnce(key: string, value: unknown): Promise<void> };
    metrics: MetricsSink;
    now?: () => Date;
    newId?: () => string;
    /** Pages (≤ 1 MB each) of GSI byAgent read per window when looking for other references. Default 50. */
    maxReferencePages?: number;
}

export interface ErasureResult {
    erasureId: string;
    auditKey: string;
    signalsDeleted: number;
    rawObjects: { deleted: number; versionsDeleted: number; retainedShared: number; retainedUndetermined: number };
    featureVersionsDeleted: number;
}

export function createErasure(deps: ErasureDeps) {
    const now = deps.now ?? (() => new Date());
    const newId = deps.newId ?? randomUUID;

    return {
        async erase(
            body: RequestBody<"POST /admin/erasure">,
            context: { requester: string | undefined; logger: Logger },
        ): Promise<ErasureResult> {
            const { source, author } = body.subject;
            if (normalizeHandle(author) === "") {
                throw new AppError("VALIDATION_FAILED", "The request body is invalid at: subject.author.", {
                    issues: [{ path: "subject.author", code: "too_small", message: "must contain a handle" }],
                });
            }
            if (context.requester === undefined) throw new AppError("UNAUTHENTICATED", "The requester has no Cognito sub.");
            const erasureId = newId();
            const requestedAt = now();
            const logger = context.logger.child({ erasureId });
            const key = await deps.pseudonymKey();
            const pseudonym = authorPseudonym(key, source as SourceKind, author);

            const keys = await deps.signals.keysByAuthor(pseudonym);
            // Re-check the author on the items: the index is eventually consistent.
            const signals = (await deps.signals.get(keys)).filter((signal) => signal.authorPseudonym === pseudonym);
            const subjectSignals: SubjectSignal[] = signals.map(({ pk, sk, agent, ts, rawObjectKey }) => ({
                pk,
                sk,
                agent,
                ts,
                rawObjectKey,
            }));

            const references: { rawObjectKey: string; authorPseudonym?: string }[] = [];
            const incompleteKeys = new Set<string>();
            for (const window of referenceWindows(subjectSignals)) {
                const found = await deps.references.rawObjectReferences(window, deps.maxReferencePages ?? 50);
                references.push(...found.references);
                if (!found.complete) for (const rawKey of window.rawObjectKeys) incompleteKeys.add(rawKey);
            }
            const verdicts = classifyRawObjects(subjectSignals, pseudonym, references, incompleteKeys);
            const byVerdict = (verdict: string) =>
                [...verdicts]
                    .filter(([, v]) => v === verdict)
                    .map(([rawKey]) => rawKey)
                    .sort();
            const exclusive = byVerdict("exclusive");
            const shared = byVerdict("shared");
            const undetermined = byVerdict("undetermined");

            const versionsDeleted = exclusive.length > 0 ? await deps.rawObjects.erase(exclusive) : 0;
            const featureVersionsDeleted =
                signals.length > 0 ? await deps.featureRecords.erase(signals.map((signal) => featuresObjectKey(signal))) : 0;
            const signalKeys = signals.map(({ pk, sk }) => ({ pk, sk }));
            if (signalKeys.length > 0) await deps.signals.deleteMany(signalKeys);

            const completedAt = now();
            const hashAll = (purpose: "signal" | "raw-object", values: readonly string[]) =>
                values.map((value) => auditHash(key, purpose, value)).sort();
            const audit: ErasureAudit = erasureAuditSchema.parse({
                recordType: "gdpr-erasure",
                schemaVersion: 1,
                erasureId,
                requestedAt: requestedAt.toISOString(),
                completedAt: completedAt.toISOString(),
                requestedBy: context.requester,
                ...(body.reference !== undefined ? { reference: body.reference } : {}),
                subject: { source, subjectRef: auditHash(key, "subject", pseudonym) },
                hashing: AUDIT_HASHING,
                signals: {
                    deleted: signalKeys.length,
                    keyHashes: hashAll(
                        "signal",
                        signalKeys.map(({ pk, sk }) => `${pk}\n${sk}`),
                    ),
                },
                rawObjects: {
                    deleted: hashAll("raw-object", exclusive),
                    versionsDeleted,
                    retainedShared: hashAll("raw-object", shared),
                    retainedUndetermined: hashAll("raw-object", undetermined),
                },
                featureRecords: { versionsDeleted: featureVersionsDeleted },
                policy: ERASURE_POLICY,
            });
            const auditKey = erasureAuditKey(erasureId, requestedAt);
            await deps.auditLog.putOnce(auditKey, audit);
            deps.metrics.count("ErasuresCompleted", 1, { Source: source });

            const result: ErasureResult = {
                erasureId,
                auditKey,
                signalsDeleted: signalKeys.length,
                rawObjects: {
                    deleted: exclusive.length,
                    versionsDeleted,
                    retainedShared: shared.length,
                    retainedUndetermined: undetermined.length,
                },
                featureVersionsDeleted,
            };
            // Counts only: never the handle or the pseudonym.
            logger.info("erasure completed", { source, requestedBy: context.requester, ...result });
            return result;
        },
    };
}
