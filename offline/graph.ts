/** Queries over a recorded resource graph, so tests and reports read like statements about the stack. */
import type { RecordedResource } from "./engine";

export class ResourceGraph {
    private readonly byUrnIndex: Map<string, RecordedResource>;

    constructor(readonly resources: RecordedResource[]) {
        this.byUrnIndex = new Map(resources.map((r) => [r.urn, r]));
    }

    byUrn(urn: string): RecordedResource | undefined {
        return this.byUrnIndex.get(urn);
    }

    ofType(...types: string[]): RecordedResource[] {
        return this.resources.filter((r) => types.includes(r.type));
    }

    /** The single resource of `type` named `name`; throws with the names that do exist otherwise. */
    one(type: string, name: string): RecordedResource {
        const found = this.resources.filter((r) => r.type === type && r.name === name);
        if (found.length !== 1) {
            const names = this.ofType(type).map((r) => r.name);
            throw new Error(`expected one ${type} named ${name}, found ${found.length} (have: ${names.join(", ") || "none"})`);
        }
        return found[0]!;
    }

    children(parent: RecordedResource): RecordedResource[] {
        return this.resources.filter((r) => r.parent === parent.urn);
    }

    descendants(parent: RecordedResource): RecordedResource[] {
        const result: RecordedResource[] = [];
        const queue = [parent];
        while (queue.length > 0) {
            const next = queue.shift()!;
            for (const child of this.children(next)) {
                result.push(child);
                queue.push(child);
            }
        }
        return result;
    }

    parentOf(resource: RecordedResource): RecordedResource | undefined {
        return resource.parent ? this.byUrnIndex.get(resource.parent) : undefined;
    }

    /** Resources whose input `property` depends on `target` — the join that still works in preview (unknown ids). */
    dependentsVia(target: RecordedResource, property: string, type?: string): RecordedResource[] {
        return this.resources.filter((r) => (!type || r.type === type) && (r.propertyDependencies[property] ?? []).includes(target.urn));
    }

    /** Resource counts per type, sorted by type. */
    countsByType(options: { customOnly?: boolean } = {}): Record<string, number> {
        const counts: Record<string, number> = {};
        for (const r of this.resources) {
            if (options.customOnly && !r.custom) continue;
            counts[r.type] = (counts[r.type] ?? 0) + 1;
        }
        return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
    }
}
