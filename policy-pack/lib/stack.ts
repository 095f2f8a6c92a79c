import { K8sObject, ObjectSource, toObject } from "./k8s";

/**
 * Every Kubernetes object of a stack (or of a set of manifests), indexed by kind, namespace and name, so that
 * cross-resource policies look things up instead of comparing pairs. Built once per resource list; derived
 * indexes that several policies need are memoised on it.
 */
export class StackIndex {
    readonly objects: K8sObject[] = [];
    private readonly byGk = new Map<string, K8sObject[]>();
    // Nested by kind, then namespace: no key string is built per object or per lookup.
    private readonly byGkNs = new Map<string, Map<string, K8sObject[]>>();
    /** By name, for the lists of one kind and namespace too long to search (see {@link get}). */
    private readonly byName = new Map<readonly K8sObject[], Map<string, K8sObject>>();
    /** Objects with preview-unknown values, by kind. */
    private readonly unknownByGk = new Map<string, K8sObject[]>();
    private readonly memo = new Map<string, unknown>();

    constructor(resources: readonly ObjectSource[]) {
        for (const r of resources) {
            const o = toObject(r);
            if (!o) continue;
            this.objects.push(o);
            push(this.byGk, o.gk, o);
            push(child(this.byGkNs, o.gk), o.namespace, o);
            if (o.unknown) push(this.unknownByGk, o.gk, o);
        }
    }

    /** All objects of a kind (`group/Kind`). */
    of(gk: string): readonly K8sObject[] {
        return this.byGk.get(gk) ?? EMPTY;
    }

    /** The objects of a kind in one namespace. */
    in(gk: string, namespace: string): readonly K8sObject[] {
        return this.byGkNs.get(gk)?.get(namespace) ?? EMPTY;
    }

    /**
     * The object of a kind with this namespace and name (the first one if it is declared twice). Most
     * namespaces hold a few objects of a kind, and a scan of those is as fast as a map; a map of names per kind
     * and namespace was more than half of the index's memory (at 100,000 objects), so only long lists get one.
     */
    get(gk: string, namespace: string, name: string): K8sObject | undefined {
        const list = this.in(gk, namespace);
        if (list.length <= SCAN_LIMIT) {
            for (const o of list) if (o.name === name) return o;
            return undefined;
        }
        let names = this.byName.get(list);
        if (!names) {
            names = new Map();
            for (const o of list) if (!names.has(o.name)) names.set(o.name, o);
            this.byName.set(list, names);
        }
        return names.get(name);
    }

    /**
     * True when some object of the kind has a value unknown during preview in its name or namespace, or in
     * one of `fields` (dotted paths such as `spec.host`): a lookup that finds nothing then proves nothing, and
     * policies stay silent. Unknowns elsewhere (a Secret's data, say) do not matter for lookups.
     */
    incomplete(gk: string, fields: readonly string[] = []): boolean {
        const list = this.unknownByGk.get(gk);
        if (!list) return false;
        const wanted = [...IDENTITY, ...fields];
        return list.some((o) =>
            o.unknownPaths.some((p) => wanted.some((f) => p === f || p.startsWith(`${f}.`) || p.startsWith(`${f}[`) || f.startsWith(`${p}.`))),
        );
    }

    /** Computes a derived index once per stack and shares it between policies. */
    memoize<T>(key: string, build: () => T): T {
        if (this.memo.has(key)) return this.memo.get(key) as T;
        const v = build();
        this.memo.set(key, v);
        return v;
    }
}

const EMPTY: readonly K8sObject[] = Object.freeze([]);
const SCAN_LIMIT = 8;
const IDENTITY = ["metadata.name", "metadata.namespace"];

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
    const list = m.get(k);
    if (list) list.push(v);
    else m.set(k, [v]);
}

function child<K, V>(m: Map<K, Map<string, V>>, k: K): Map<string, V> {
    let inner = m.get(k);
    if (!inner) m.set(k, (inner = new Map()));
    return inner;
}

const indexes = new WeakMap<object, StackIndex>();
/** Indexes by the first object of their stack, with the objects they were built from. */
const byObjects = new WeakMap<K8sObject, { objects: (K8sObject | null)[]; idx: StackIndex }>();

/**
 * The index of a resource list, built once per stack. The manifest checker hands every stack policy the same
 * array. The engine hands each its own list, but of the same objects: their properties are decoded once for all
 * policies (decode-once.ts), so toObject returns the same object for each; the index, and the derived indexes
 * memoised on it, are then shared as well.
 */
export function stackIndex(resources: readonly ObjectSource[]): StackIndex {
    let idx = indexes.get(resources);
    if (idx) return idx;
    const objects = resources.map(toObject);
    const first = objects.find((o) => o !== null);
    const built = first && byObjects.get(first);
    if (built && built.objects.length === objects.length && built.objects.every((o, i) => o === objects[i])) {
        idx = built.idx;
    } else {
        idx = new StackIndex(resources);
        if (first) byObjects.set(first, { objects, idx });
    }
    indexes.set(resources, idx);
    return idx;
}
