/**
 * Istio's `exportTo` visibility: which namespaces see a VirtualService, DestinationRule, ServiceEntry or
 * Service. Absent `exportTo` falls back to the mesh config's default for the kind (`defaultVirtualServiceExportTo`,
 * `defaultDestinationRuleExportTo`, `defaultServiceExportTo`), and to every namespace when that is unset too.
 */
import { GK } from "./istio";
import { arr, K8sObject, str } from "./k8s";
import { isMeshConfigMap, meshConfig } from "./meshconfig";
import { parseGatewayRef } from "./hosts";
import { StackIndex } from "./stack";
import { gatewayHome } from "./workloads";

/** The namespaces an object is visible in: every namespace, or a set (possibly empty, for `~`). */
export type Exported = { all: true } | { all: false; namespaces: ReadonlySet<string> };

const ALL: Exported = { all: true };

/** The mesh config field holding the default exportTo of each kind. */
const MESH_DEFAULT: Record<string, string> = {
    [GK.VirtualService]: "defaultVirtualServiceExportTo",
    [GK.DestinationRule]: "defaultDestinationRuleExportTo",
    [GK.ServiceEntry]: "defaultServiceExportTo",
    [GK.Service]: "defaultServiceExportTo",
};

/** Service exportTo is an annotation, a comma-separated list. */
const SERVICE_EXPORT_ANNOTATION = "networking.istio.io/exportTo";

/**
 * Turns an exportTo list of an object in namespace `ns` into the namespaces it reaches: `*` is every namespace,
 * `.` its own, `~` none (Istio rejects `~` next to other entries; the rest of the list is then ignored too).
 */
export function parseExportTo(list: readonly string[], ns: string): Exported {
    const namespaces = new Set<string>();
    for (const raw of list) {
        const e = raw.trim();
        if (e === "*") return ALL;
        if (e === "~") return { all: false, namespaces: new Set() };
        namespaces.add(e === "." ? ns : e);
    }
    return { all: false, namespaces };
}

/** The defaults of the first mesh config among the resources, by field name (absent when there is none). */
export function meshExportDefaults(idx: StackIndex): Record<string, string[]> {
    return idx.memoize("mesh-export-defaults", () => {
        const out: Record<string, string[]> = {};
        const cm = idx.of(GK.ConfigMap).find(isMeshConfigMap);
        const mesh = cm && !cm.unknown ? meshConfig(cm) : null;
        if (mesh) {
            for (const field of new Set(Object.values(MESH_DEFAULT))) {
                const v = arr(mesh[field]).filter((e): e is string => typeof e === "string");
                if (v.length > 0) out[field] = v;
            }
        }
        return out;
    });
}

/** Where an object is visible, from its own exportTo or the mesh default for its kind. */
export function exportedTo(idx: StackIndex, o: K8sObject): Exported {
    let list: string[];
    if (o.gk === GK.Service) {
        const a = str(o.annotations[SERVICE_EXPORT_ANNOTATION]);
        list = a ? a.split(",").filter((e) => e.trim() !== "") : [];
    } else {
        list = arr(o.spec.exportTo).filter((e): e is string => typeof e === "string");
    }
    if (list.length === 0) {
        const field = MESH_DEFAULT[o.gk];
        list = (field && meshExportDefaults(idx)[field]) || [];
        if (list.length === 0) return ALL;
    }
    return parseExportTo(list, o.namespace);
}

/** True when an object exported as `e` is visible to workloads and routes of namespace `ns`. */
export function visibleIn(e: Exported, ns: string): boolean {
    return e.all || e.namespaces.has(ns);
}

/** True when some namespace sees both. */
export function sharesNamespace(a: Exported, b: Exported): boolean {
    if (a.all) return b.all || b.namespaces.size > 0;
    if (b.all) return a.namespaces.size > 0;
    for (const ns of a.namespaces) if (b.namespaces.has(ns)) return true;
    return false;
}

/** A short wording of the visibility for messages. */
export function describeExport(e: Exported): string {
    if (e.all) return "every namespace";
    if (e.namespaces.size === 0) return "no namespace (exportTo ~)";
    return `namespace${e.namespaces.size > 1 ? "s" : ""} ${[...e.namespaces].sort().join(", ")}`;
}

/**
 * The namespaces whose proxies apply a VirtualService's routes: its own (the sidecars that usually call the
 * host), and for each Gateway it binds to, the Gateway's namespace and that of the gateway pods it selects.
 * A DestinationRule or ServiceEntry visible in any of them serves the route somewhere, so it counts.
 */
export function consumerNamespaces(idx: StackIndex, vs: K8sObject): string[] {
    const out = new Set<string>([vs.namespace]);
    for (const g of arr(vs.spec.gateways)) {
        if (typeof g !== "string") continue;
        const r = parseGatewayRef(g, vs.namespace);
        if (r.mesh) continue;
        out.add(r.namespace);
        const gw = idx.get(GK.Gateway, r.namespace, r.name);
        if (!gw || gw.unknown) continue;
        // Many routes bind to one Gateway: its pods' namespaces are looked up once.
        const homes = idx.memoize("gateway-home-namespaces", () => new Map<K8sObject, string[]>());
        let nss = homes.get(gw);
        if (!nss) homes.set(gw, (nss = gatewayHome(idx, gw).namespaces));
        for (const ns of nss) out.add(ns);
    }
    return [...out];
}

/** True when an object exported as `e` is visible in one of the namespaces. */
export function visibleInAny(e: Exported, namespaces: readonly string[]): boolean {
    return e.all || namespaces.some((ns) => e.namespaces.has(ns));
}
