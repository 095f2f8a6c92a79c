/** Finding workloads by labels, and the gateway workload behind an Istio Gateway. */
import { GK, injectionEnabled } from "./istio";
import { formatLabels, K8sObject, labelMap, PodTemplate, podTemplate, selects, WORKLOAD_KINDS } from "./k8s";
import { StackIndex } from "./stack";

/**
 * The workloads whose pods get a sidecar, with their pod templates: in a namespace that turns injection on (or,
 * when the Namespace is not among the resources, one listed in `injectedNamespaces`), unless allowed by name.
 */
export function* injectedWorkloads(
    idx: StackIndex,
    cfg: { injectedNamespaces: string[]; allowedWorkloads: string[] },
): Generator<{ workload: K8sObject; template: PodTemplate }> {
    for (const gk of WORKLOAD_KINDS) {
        for (const workload of idx.of(gk)) {
            const ns = idx.get(GK.Namespace, "", workload.namespace);
            const injected = ns ? !ns.unknown && injectionEnabled(ns) : cfg.injectedNamespaces.includes(workload.namespace);
            if (!injected || cfg.allowedWorkloads.includes(`${workload.namespace}/${workload.name}`)) continue;
            const template = podTemplate(workload);
            if (template) yield { workload, template };
        }
    }
}

/** A workload with its pod-template labels. */
export interface Workload {
    obj: K8sObject;
    podLabels: Record<string, string>;
}

/** Workloads indexed by each `key=value` pod label, so a selector is matched without scanning every workload. */
export function workloadsByLabel(idx: StackIndex): Map<string, Workload[]> {
    return idx.memoize("workloads-by-label", () => {
        const m = new Map<string, Workload[]>();
        for (const gk of WORKLOAD_KINDS) {
            for (const obj of idx.of(gk)) {
                const t = podTemplate(obj);
                if (!t) continue;
                const podLabels = labelMap(t.metadata.labels);
                const w = { obj, podLabels };
                for (const [k, v] of Object.entries(podLabels)) {
                    const key = `${k}=${v}`;
                    const list = m.get(key);
                    if (list) list.push(w);
                    else m.set(key, [w]);
                }
            }
        }
        return m;
    });
}

/** Workloads whose pod labels match a non-empty selector (optionally within one namespace). */
export function selectWorkloads(idx: StackIndex, selector: Record<string, string>, namespace?: string): Workload[] {
    const keys = Object.keys(selector);
    if (keys.length === 0) return [];
    const first = workloadsByLabel(idx).get(`${keys[0]}=${selector[keys[0]]}`) ?? [];
    return first.filter((w) => selects(selector, w.podLabels) && (namespace === undefined || w.obj.namespace === namespace));
}

/** Where a Gateway's TLS credentials must live, and how that was determined (for messages). */
export interface GatewayHome {
    namespaces: string[];
    how: string;
    found: boolean;
}

/**
 * The namespaces of the gateway workloads an Istio Gateway selects: Istio reads `credentialName` from the
 * namespace of the gateway pods, not of the Gateway resource. When no workload among the checked resources
 * matches, the Gateway's own namespace is assumed, and the message says so.
 */
export function gatewayHome(idx: StackIndex, gw: K8sObject): GatewayHome {
    const selector = labelMap(gw.spec.selector);
    const found = selectWorkloads(idx, selector);
    if (found.length > 0) {
        const namespaces = [...new Set(found.map((w) => w.obj.namespace))].sort();
        const names = found
            .slice(0, 3)
            .map((w) => `${w.obj.kind} ${w.obj.namespace}/${w.obj.name}`)
            .join(", ");
        return { namespaces, how: `the namespace of ${names}, whose pods match the selector ${formatLabels(selector)}`, found: true };
    }
    return {
        namespaces: [gw.namespace],
        how: `no workload among the checked resources has pod labels matching the selector ${formatLabels(selector)}, so the Gateway's own namespace is assumed`,
        found: false,
    };
}

/** True when every label of `a` is in `b` with the same value: `a` selects every pod `b` selects. */
export function selectorContains(a: Record<string, string>, b: Record<string, string>): boolean {
    for (const k of Object.keys(a)) if (b[k] !== a[k]) return false;
    return true;
}

/**
 * True when two workload selectors pick a common pod. When both select workloads among the checked resources,
 * those decide (a pod matched by both). When one selects none there, its pods run elsewhere, so only the
 * labels can tell: one selector containing the other means its pods are among the other's.
 */
export function selectorsOverlap(idx: StackIndex, a: Record<string, string>, b: Record<string, string>): boolean {
    if (selectorContains(a, b) && selectorContains(b, a)) return true;
    const wa = selectWorkloads(idx, a);
    const wb = selectWorkloads(idx, b);
    if (wa.length > 0 && wb.length > 0) return wa.some((w) => selects(b, w.podLabels));
    return selectorContains(a, b) || selectorContains(b, a);
}
