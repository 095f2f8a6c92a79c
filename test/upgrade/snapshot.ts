/**
 * What an upgrade must keep: every resource of a stack by type, name, URN and parent, and the inputs of
 * the gateways' objects. `snapshotOf` is what the upgrade test compares against the JSON files beside it,
 * which were written by the program as it was before gateways became a map (issue 19), and must never be
 * regenerated to make a failing comparison pass.
 */
import { Stack } from "../mocks";

export interface ResourceEntry {
    type: string;
    name: string;
    urn: string;
    parent: string;
}

export interface Snapshot {
    resources: ResourceEntry[];
    /** Inputs of every resource below the `ingress` component, by URN. */
    ingressInputs: Record<string, unknown>;
}

export function snapshotOf(stack: Stack): Snapshot {
    const resources = stack.resources.map((r) => ({ type: r.type, name: r.name, urn: r.urn, parent: r.parent })).sort((a, b) => a.urn.localeCompare(b.urn));
    const ingress = stack.get("istio-mesh:ingress:Ingress", "ingress");
    const ingressInputs: Record<string, unknown> = {};
    for (const r of stack.descendants(ingress).sort((a, b) => a.urn.localeCompare(b.urn))) {
        if (r.custom || r.type === "kubernetes:helm.sh/v4:Chart") {
            ingressInputs[r.urn] = JSON.parse(JSON.stringify(r.inputs ?? null));
        }
    }
    return { resources, ingressInputs };
}
