/**
 * A compact, order-independent fingerprint of what a run registered: per URN a hash of everything the
 * engine would act on (inputs, parent, dependencies, protection, ignoreChanges), plus the outputs. Two
 * runs with the same fingerprint make the same resources under the same URNs: no update, no replacement.
 */
import { createHash } from "crypto";
import { sharedPath } from "./shared";
import type { Stack } from "./mocks";

function canonical(v: unknown): string {
    if (Array.isArray(v)) {
        return `[${v.map(canonical).join(",")}]`;
    }
    if (v !== null && typeof v === "object") {
        const o = v as Record<string, unknown>;
        return `{${Object.keys(o)
            .sort()
            .filter((k) => o[k] !== undefined)
            .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
            .join(",")}}`;
    }
    // Chart paths are fingerprinted as the stack file writes them, wherever ISTIO_MESH_SHARED puts the charts.
    return JSON.stringify(typeof v === "string" && SHARED_PREFIX && v.startsWith(SHARED_PREFIX) ? `../shared/${v.slice(SHARED_PREFIX.length)}` : v);
}

/** Where `../shared/` paths point in these tests, when that is not `../shared/` itself. */
const SHARED_PREFIX = sharedPath("../shared/") === "../shared/" ? undefined : sharedPath("../shared/x").slice(0, -1);

export function hashOf(v: unknown): string {
    return createHash("sha256").update(canonical(v)).digest("hex").slice(0, 16);
}

export function fingerprint(stack: Stack): { resources: Record<string, string>; outputs: string } {
    const resources: Record<string, string> = {};
    for (const r of stack.resources) {
        resources[r.urn] = hashOf({
            inputs: r.inputs,
            parent: r.parent,
            dependsOn: [...r.dependsOn].sort(),
            protect: r.protect,
            retainOnDelete: r.retainOnDelete,
            ignoreChanges: r.ignoreChanges,
        });
    }
    return { resources, outputs: hashOf(stack.outputs) };
}
