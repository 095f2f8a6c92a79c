/**
 * The `istio` stack output's view of the revisions (istio.revisions form): which control planes run,
 * where each tag points, and which label and revision each enrolled namespace has, so an operator sees
 * after each upgrade step where every namespace's new pods are injected from.
 */
import type { IstioConfig } from "../config/istio";
import type { NamespaceConfig } from "../config/mesh";
import { resolveRevision } from "../config/revisions";
import { baseDefaultRevision, chartRevision } from "./control-plane.revisions";

export interface RevisionSummary {
    revisions: Record<string, { version: string; istiod: string; tags: string[] }>;
    tags: Record<string, string>;
    /** The revision of `istio-injection=enabled` and of the default validator. */
    defaultRevision: string;
    /** Per enrolled namespace: its injection label, the tag it names (if any) and the revision that injects it. */
    namespaces: Record<string, { label: string; tag?: string; revision: string }>;
}

export function revisionSummary(istio: IstioConfig, namespaces: Readonly<Record<string, NamespaceConfig>>): RevisionSummary {
    const revisions: RevisionSummary["revisions"] = {};
    for (const r of istio.revisions) {
        const suffix = chartRevision(r.name);
        revisions[r.name] = {
            version: r.version,
            istiod: `istiod${suffix ? `-${suffix}` : ""}.${istio.namespace}.svc:15012`,
            tags: Object.keys(istio.tags)
                .filter((t) => istio.tags[t] === r.name)
                .sort(),
        };
    }
    const defaultRevision = baseDefaultRevision(istio);
    const out: RevisionSummary["namespaces"] = {};
    for (const [ns, c] of Object.entries(namespaces)) {
        const pin = c.revision ?? istio.revision;
        if (pin === undefined) {
            out[ns] = { label: "istio-injection=enabled", revision: defaultRevision };
            continue;
        }
        const entry: { label: string; tag?: string; revision: string } = { label: `istio.io/rev=${pin}`, revision: resolveRevision(istio, pin)?.name ?? pin };
        if (pin in istio.tags) entry.tag = pin;
        out[ns] = entry;
    }
    return { revisions, tags: { ...istio.tags }, defaultRevision, namespaces: out };
}
