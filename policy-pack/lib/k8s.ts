/**
 * Kubernetes objects as the policies see them, whether they come from a Pulumi resource
 * (inputs during `analyze`, planned outputs during `analyzeStack`) or from a YAML manifest.
 */

/** The pack reads property bags through the engine's unknown-checking proxy; this key returns the raw target. */
const PROXY_TARGET = "__getSpecialProxyTarget";

/**
 * Sentinels the engine uses for values that are unknown during preview. Copied as values (not imported)
 * so that neither tests nor the checker load the policy server.
 */
const UNKNOWN_SENTINELS = new Set<string>([
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58",
    "e48ece36-62e2-4504-bad9-02848725956a",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

/** The sentinel string for an unknown string value, exported for tests that simulate a preview. */
export const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** A plain JSON-like map. */
export type Obj = Record<string, any>;

/** One Kubernetes object with its identity resolved. */
export interface K8sObject {
    /** `group/Kind` with `core` for the core group, e.g. `networking.istio.io/VirtualService`. */
    readonly gk: string;
    readonly apiVersion: string;
    readonly kind: string;
    /** Empty for cluster-scoped kinds. */
    readonly namespace: string;
    readonly name: string;
    readonly metadata: Obj;
    readonly labels: Record<string, string>;
    readonly annotations: Record<string, string>;
    /** `spec`, or `{}` when absent. */
    readonly spec: Obj;
    /** The whole object (ConfigMaps and Secrets keep their payload outside `spec`). */
    readonly raw: Obj;
    /** The Pulumi URN, or a synthetic one for manifests; violations are attributed through it. */
    readonly urn: string;
    /** True when some value is unknown until the update runs: policies skip such objects rather than guess. */
    readonly unknown: boolean;
    /** Where the unknown values sit (`data.tls.key`, `spec.hosts[0]`), at most a few dozen. */
    readonly unknownPaths: readonly string[];
    /** Where the object came from, for messages of the manifest checker (`file:line`). */
    readonly source?: string;
}

/** Kinds without a namespace. Anything else defaults to the provider's namespace or `default`. */
const CLUSTER_SCOPED = new Set([
    "core/Namespace",
    "core/Node",
    "core/PersistentVolume",
    "rbac.authorization.k8s.io/ClusterRole",
    "rbac.authorization.k8s.io/ClusterRoleBinding",
    "apiextensions.k8s.io/CustomResourceDefinition",
    "admissionregistration.k8s.io/MutatingWebhookConfiguration",
    "admissionregistration.k8s.io/ValidatingWebhookConfiguration",
    "admissionregistration.k8s.io/ValidatingAdmissionPolicy",
    "admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding",
    "storage.k8s.io/StorageClass",
    "storage.k8s.io/CSIDriver",
    "scheduling.k8s.io/PriorityClass",
    "networking.k8s.io/IngressClass",
    "node.k8s.io/RuntimeClass",
    "apiregistration.k8s.io/APIService",
    "gateway.networking.k8s.io/GatewayClass",
    "cert-manager.io/ClusterIssuer",
]);

/**
 * `kubernetes:` tokens of Pulumi components (Helm charts, YAML and kustomize groups) rather than cluster
 * objects: the objects they render are resources of their own. `helm.sh/v3:Release` stays, as a resource.
 */
function isComponent(group: string, kind: string): boolean {
    return group === "yaml" || group === "kustomize" || (group === "helm.sh" && kind === "Chart");
}

interface TypeInfo {
    group: string;
    version: string;
    kind: string;
    gk: string;
}
const typeCache = new Map<string, TypeInfo | null>();

/** Parses `kubernetes:<group>/<version>:<Kind>`; returns null for anything that is not a Kubernetes object. */
export function parseTypeToken(type: string): TypeInfo | null {
    let info = typeCache.get(type);
    if (info !== undefined) return info;
    info = null;
    const m = /^kubernetes:([^:/]+)\/([^:/]+):([A-Za-z0-9]+)$/.exec(type);
    if (m && !isComponent(m[1], m[3])) {
        info = { group: m[1], version: m[2], kind: m[3], gk: `${m[1]}/${m[3]}` };
    }
    typeCache.set(type, info);
    return info;
}

const tokens = new Map<string, Map<string, string>>();

/**
 * The Pulumi type token of a manifest object: `v1` → `kubernetes:core/v1:Kind`. One string per type: every
 * lookup keyed by it (the policies of a type, its parsed token) then finds its hash already computed.
 */
export function typeTokenOf(apiVersion: string, kind: string): string {
    let byKind = tokens.get(apiVersion);
    if (!byKind) tokens.set(apiVersion, (byKind = new Map()));
    let token = byKind.get(kind);
    if (token === undefined) {
        const group = apiVersion.includes("/") ? apiVersion : `core/${apiVersion}`;
        token = `kubernetes:${group}:${kind}`;
        byKind.set(kind, token);
    }
    return token;
}

/** The raw object behind the engine's proxy (or the value itself when it is not proxied). */
export function unwrap<T>(value: T): T {
    if (value !== null && typeof value === "object") {
        const target = (value as any)[PROXY_TARGET];
        if (target !== undefined && target !== true) return target as T;
    }
    return value;
}

/** The paths of the engine sentinels inside a value (`spec.hosts[0]`), up to `limit` of them. */
export function unknownPaths(value: unknown, path = "", out: string[] = [], limit = 32): string[] {
    if (out.length >= limit) return out;
    if (typeof value === "string") {
        if (UNKNOWN_SENTINELS.has(value)) out.push(path);
    } else if (Array.isArray(value)) {
        value.forEach((v, i) => unknownPaths(v, `${path}[${i}]`, out, limit));
    } else if (value !== null && typeof value === "object") {
        for (const k in value as Obj) unknownPaths((value as Obj)[k], path ? `${path}.${k}` : k, out, limit);
    }
    return out;
}

/** True when the value is, or contains, an engine sentinel for a value unknown during preview. */
export function containsUnknown(value: unknown): boolean {
    if (typeof value === "string") return UNKNOWN_SENTINELS.has(value);
    if (value === null || typeof value !== "object") return false;
    if (Array.isArray(value)) {
        for (const v of value) if (containsUnknown(v)) return true;
        return false;
    }
    for (const k in value as Obj) if (containsUnknown((value as Obj)[k])) return true;
    return false;
}

/** Most objects have no labels or no annotations: they share this map rather than hold two empty ones each. */
const NO_STRINGS: Record<string, string> = Object.freeze({});

function stringMap(v: unknown): Record<string, string> {
    if (!v || typeof v !== "object" || Array.isArray(v)) return NO_STRINGS;
    let out: Record<string, string> | undefined;
    for (const [k, val] of Object.entries(v as Obj)) {
        if (val !== undefined && val !== null) (out ??= {})[k] = String(val);
    }
    return out ?? NO_STRINGS;
}

/** Input accepted by {@link toObject}: what the engine hands a policy, or a parsed manifest. */
export interface ObjectSource {
    type: string;
    props: Obj;
    urn: string;
    name: string;
    provider?: { props?: Obj };
    /** Only for manifests. */
    source?: string;
    /** Set by the manifest checker: parsed YAML never holds preview sentinels, so the scan is skipped. */
    noUnknowns?: boolean;
}

const cache = new WeakMap<object, K8sObject | null>();
const NO_PATHS: readonly string[] = Object.freeze([]);

/**
 * Normalises a Pulumi resource (or a manifest wrapped as one) into a {@link K8sObject}, or null when it is
 * not a Kubernetes object (the Helm Chart component, providers, the stack, the program's own components).
 * Results are cached per property bag so that the policies of one run share the work.
 */
export function toObject(r: ObjectSource): K8sObject | null {
    const props = unwrap(r.props);
    if (props && typeof props === "object") {
        const hit = cache.get(props);
        if (hit !== undefined) return hit;
    }
    const obj = build(r, props);
    if (props && typeof props === "object") cache.set(props, obj);
    return obj;
}

function build(r: ObjectSource, props: Obj): K8sObject | null {
    const info = parseTypeToken(r.type);
    if (!info || !props || typeof props !== "object") return null;
    const metadata: Obj = props.metadata && typeof props.metadata === "object" ? props.metadata : {};
    const clusterScoped = CLUSTER_SCOPED.has(info.gk);
    const providerNs = unwrap(r.provider?.props)?.namespace;
    // A helm.v3.Release keeps its name and namespace at the top level, not in metadata.
    const release = info.gk === "helm.sh/Release";
    const ownNs = release ? props.namespace : metadata.namespace;
    const ownName = release ? props.name : metadata.name;
    const namespace = clusterScoped
        ? ""
        : typeof ownNs === "string" && ownNs !== ""
          ? ownNs
          : typeof providerNs === "string" && providerNs !== ""
            ? providerNs
            : "default";
    const name = typeof ownName === "string" && ownName !== "" ? ownName : r.name;
    const paths = r.noUnknowns || !containsUnknown(props) ? NO_PATHS : unknownPaths(props);
    return {
        gk: info.gk,
        apiVersion: typeof props.apiVersion === "string" ? props.apiVersion : info.group === "core" ? info.version : `${info.group}/${info.version}`,
        kind: info.kind,
        namespace,
        name,
        metadata,
        labels: stringMap(metadata.labels),
        annotations: stringMap(metadata.annotations),
        spec: props.spec && typeof props.spec === "object" ? props.spec : {},
        raw: props,
        urn: r.urn,
        unknown: paths.length > 0,
        unknownPaths: paths,
        source: r.source,
    };
}

/** Thrown when a policy reads a value that is unknown during preview; the check is then skipped. */
export class UnknownValue extends Error {
    constructor(readonly path: string) {
        super(`value at ${path} is unknown until the update runs`);
    }
}

function strict<T>(value: T, path: string): T {
    if (value === null || typeof value !== "object") return value;
    return new Proxy(value as unknown as object, {
        get(target, prop, receiver) {
            const v = Reflect.get(target, prop, receiver);
            if (typeof prop === "symbol") return v;
            if (typeof v === "string" && UNKNOWN_SENTINELS.has(v)) throw new UnknownValue(`${path}.${prop}`);
            return v !== null && typeof v === "object" ? strict(v, `${path}.${prop}`) : v;
        },
    }) as T;
}

/**
 * A view of an object with unknown values in which reading one throws {@link UnknownValue}: a check that
 * never touches them still runs (and reports), one that does is skipped, so preview neither guesses nor
 * goes silent about values that are known.
 */
export function strictView(o: K8sObject): K8sObject {
    if (!o.unknown) return o;
    return {
        ...o,
        metadata: strict(o.metadata, "metadata"),
        labels: strict(o.labels, "metadata.labels"),
        annotations: strict(o.annotations, "metadata.annotations"),
        spec: strict(o.spec, "spec"),
        raw: strict(o.raw, ""),
    };
}

/** `Kind namespace/name`, or `Kind name` for cluster-scoped objects: how messages name an object. */
export function ref(o: K8sObject): string {
    return o.namespace ? `${o.kind} ${o.namespace}/${o.name}` : `${o.kind} ${o.name}`;
}

/** The value as an array (an absent or non-array value is an empty array). */
export function arr<T = any>(v: unknown): T[] {
    return Array.isArray(v) ? (v as T[]) : [];
}

/** The value as a string, or undefined. */
export function str(v: unknown): string | undefined {
    return typeof v === "string" ? v : undefined;
}

/** True when every label of `selector` is present with the same value in `labels` (an empty selector matches all). */
export function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
    for (const k in selector) if (labels[k] !== selector[k]) return false;
    return true;
}

/** `matchLabels` of a Kubernetes LabelSelector or a plain map, as strings. */
export function labelMap(v: unknown): Record<string, string> {
    return stringMap(v);
}

/** Canonical text of a label map, e.g. `{app=x,istio=ingressgateway}` (sorted keys). */
export function formatLabels(m: Record<string, string>): string {
    return (
        "{" +
        Object.keys(m)
            .sort()
            .map((k) => `${k}=${m[k]}`)
            .join(",") +
        "}"
    );
}

/** Kinds that carry a pod template, and where it sits. */
const POD_TEMPLATE_PATHS: Record<string, string[]> = {
    "apps/Deployment": ["spec", "template"],
    "apps/StatefulSet": ["spec", "template"],
    "apps/DaemonSet": ["spec", "template"],
    "apps/ReplicaSet": ["spec", "template"],
    "batch/Job": ["spec", "template"],
    "batch/CronJob": ["spec", "jobTemplate", "spec", "template"],
    "core/ReplicationController": ["spec", "template"],
};

/** The field path of each kind's pod template with a final dot (`spec.template.`), joined once. */
const POD_TEMPLATE_PREFIX: Record<string, string> = Object.fromEntries(Object.entries(POD_TEMPLATE_PATHS).map(([gk, path]) => [gk, path.join(".") + "."]));

/** A workload's pod template: its metadata, its spec and the field path that leads to it. */
export interface PodTemplate {
    metadata: Obj;
    spec: Obj;
    path: string;
}

/** The pod template of a workload, the pod itself for a Pod, or undefined for other kinds. */
export function podTemplate(o: K8sObject): PodTemplate | undefined {
    if (o.gk === "core/Pod") return { metadata: o.metadata, spec: o.spec, path: "" };
    const path = POD_TEMPLATE_PATHS[o.gk];
    if (!path) return undefined;
    let cur: any = o.raw;
    for (const p of path) cur = cur && typeof cur === "object" ? cur[p] : undefined;
    if (!cur || typeof cur !== "object") return undefined;
    return {
        metadata: cur.metadata && typeof cur.metadata === "object" ? cur.metadata : {},
        spec: cur.spec && typeof cur.spec === "object" ? cur.spec : {},
        path: POD_TEMPLATE_PREFIX[o.gk],
    };
}

/** Kinds the pack treats as workloads (pod templates). */
export const WORKLOAD_KINDS = ["core/Pod", ...Object.keys(POD_TEMPLATE_PATHS)];
