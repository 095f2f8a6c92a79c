/** Reads Istio's mesh config from the ConfigMap istiod renders (`istio` or `istio-<revision>`, key `mesh`). */
import { load } from "js-yaml";
import { KUBECTL_SCHEMA } from "./yaml";
import { K8sObject, Obj } from "./k8s";

const cache = new WeakMap<K8sObject, Obj | null>();

/** True for the ConfigMap that carries istiod's mesh config. */
export function isMeshConfigMap(o: K8sObject): boolean {
    return o.gk === "core/ConfigMap" && (o.name === "istio" || o.name.startsWith("istio-")) && typeof o.raw.data?.mesh === "string";
}

/** The parsed mesh config, or null when the text is not a YAML map (the schema check reports that). */
export function meshConfig(o: K8sObject): Obj | null {
    let v = cache.get(o);
    if (v === undefined) {
        try {
            const parsed = load(String(o.raw.data.mesh), { schema: KUBECTL_SCHEMA });
            v = parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Obj) : null;
        } catch {
            v = null;
        }
        cache.set(o, v);
    }
    return v;
}
