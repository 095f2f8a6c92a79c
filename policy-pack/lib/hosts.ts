/**
 * Istio host semantics, as the control plane applies them to VirtualService, DestinationRule, ServiceEntry
 * and Gateway hosts.
 */

/** The default Kubernetes cluster DNS domain. */
export const DEFAULT_CLUSTER_DOMAIN = "cluster.local";

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * Resolves a host written in a resource of namespace `ns` to the name Istio matches on. Istio expands only
 * names without a dot (`reviews` → `reviews.<ns>.svc.<domain>`); `reviews.shop` stays literal, `*` and IP
 * addresses are left alone. Names are case-insensitive.
 */
export function resolveHost(host: string, ns: string, clusterDomain: string = DEFAULT_CLUSTER_DOMAIN): string {
    const h = host.trim().toLowerCase();
    if (h === "" || h === "*" || h.includes(".") || h.includes(":") || IPV4.test(h)) return h;
    return ns ? `${h}.${ns}.svc.${clusterDomain}` : h;
}

/** True when `h` is a wildcard host (`*` or `*.suffix`). */
export function isWildcard(h: string): boolean {
    return h.startsWith("*");
}

/**
 * True when host `a` covers host `b`: equal names, or `a` is a wildcard whose suffix `b` ends with.
 * `*.example.com` covers `api.example.com` and `a.b.example.com`, not `example.com`; `*` covers everything.
 */
export function covers(a: string, b: string): boolean {
    if (a === b || a === "*") return true;
    if (!isWildcard(a)) return false;
    const suffix = a.slice(1); // ".example.com"
    if (isWildcard(b)) return b.slice(1).endsWith(suffix) && b.length > a.length;
    return b.endsWith(suffix) && b.length > suffix.length;
}

/** True when some name is matched by both hosts (either covers the other). */
export function intersects(a: string, b: string): boolean {
    return covers(a, b) || covers(b, a);
}

/**
 * True when the resolved host names a service inside the cluster (`*.svc.<domain>`); such hosts are in the
 * mesh whenever their namespace is.
 */
export function isClusterLocal(h: string, clusterDomain: string = DEFAULT_CLUSTER_DOMAIN): boolean {
    return h.endsWith(`.svc.${clusterDomain}`);
}

/** `name.ns.svc.<domain>` → `{ name, namespace }`, or undefined for other names. */
export function splitServiceHost(h: string, clusterDomain: string = DEFAULT_CLUSTER_DOMAIN): { name: string; namespace: string } | undefined {
    const suffix = `.svc.${clusterDomain}`;
    if (!h.endsWith(suffix)) return undefined;
    const parts = h.slice(0, -suffix.length).split(".");
    if (parts.length !== 2 || parts[0] === "*" || parts[0] === "") return undefined;
    return { name: parts[0], namespace: parts[1] };
}

/** A reference from a VirtualService to a Gateway. */
export type GatewayRef = { mesh: true } | { mesh: false; namespace: string; name: string };

/**
 * Parses a VirtualService `gateways` entry written in namespace `ns`: the reserved `mesh`, `namespace/name`,
 * `./name` or `name` (same namespace), and the deprecated `name.namespace.svc.<domain>` form.
 */
export function parseGatewayRef(ref: string, ns: string): GatewayRef {
    const r = ref.trim();
    if (r === "mesh") return { mesh: true };
    const slash = r.indexOf("/");
    if (slash >= 0) {
        const gwNs = r.slice(0, slash);
        return { mesh: false, namespace: gwNs === "." || gwNs === "" ? ns : gwNs, name: r.slice(slash + 1) };
    }
    if (r.includes(".")) {
        const [name, gwNs] = r.split(".");
        return { mesh: false, namespace: gwNs || ns, name };
    }
    return { mesh: false, namespace: ns, name: r };
}

/** A Gateway server host: which namespaces may bind routes to it and for which DNS name. */
export interface ServerHost {
    namespace: string;
    host: string;
}

/**
 * Parses a Gateway `servers[].hosts` entry of a Gateway in namespace `gwNs`: `ns/host`, `./host` (the
 * Gateway's namespace), or a bare host or a `*` namespace part (any namespace).
 */
export function parseServerHost(entry: string, gwNs: string): ServerHost {
    const e = entry.trim().toLowerCase();
    const slash = e.indexOf("/");
    if (slash < 0) return { namespace: "*", host: e };
    const ns = e.slice(0, slash);
    return { namespace: ns === "." ? gwNs : ns, host: e.slice(slash + 1) };
}

/**
 * True when a VirtualService of namespace `vsNs` with (resolved) host `vsHost` may bind to a Gateway server
 * host entry; `~` (no namespace may bind) never matches.
 */
export function serverHostAdmits(sh: ServerHost, vsNs: string, vsHost: string): boolean {
    if (sh.namespace === "~") return false;
    if (sh.namespace !== "*" && sh.namespace !== vsNs) return false;
    return intersects(sh.host, vsHost);
}

/**
 * Resolved hosts mapped to values, answering "which entries match this host?" with a few map lookups
 * (one per DNS label) instead of a scan, so cross-resource checks stay linear in the number of objects.
 */
export class HostMap<V> {
    private readonly exact = new Map<string, V[]>();
    /** Wildcard entries, keyed by their own text (`*.example.com`). */
    private readonly wild = new Map<string, V[]>();
    /** Every entry under each wildcard that covers it (`a.b.c` under `*.b.c`, `*.c`, `*`), built on first use. */
    private under: Map<string, V[]> | undefined;
    private readonly entries: [string, V][] = [];

    add(host: string, value: V): void {
        add(isWildcard(host) ? this.wild : this.exact, host, value);
        this.entries.push([host, value]);
        this.under = undefined;
    }

    /** Entries whose host equals `host` exactly. */
    get(host: string): readonly V[] {
        return (isWildcard(host) ? this.wild : this.exact).get(host) ?? [];
    }

    /** Entries whose host covers `host` (equal, or a wildcard over it), most specific first. */
    covering(host: string): V[] {
        const out: V[] = [...this.get(host)];
        if (this.wild.size === 0) return out;
        for (const w of coveringWildcards(host)) {
            const list = this.wild.get(w);
            if (list) out.push(...list);
        }
        return out;
    }

    /** Entries whose host intersects `host`: those covering it and, for a wildcard, those it covers. */
    intersecting(host: string): V[] {
        const out = this.covering(host);
        if (isWildcard(host)) {
            if (!this.under) {
                this.under = new Map();
                for (const [h, v] of this.entries) for (const w of coveringWildcards(h)) add(this.under, w, v);
            }
            out.push(...(this.under.get(host) ?? []));
        }
        return out;
    }
}

function add<V>(m: Map<string, V[]>, k: string, v: V): void {
    const list = m.get(k);
    if (list) list.push(v);
    else m.set(k, [v]);
}

/** The wildcards strictly covering a host, most specific first: `a.b.c` → `*.b.c`, `*.c`, `*`. */
export function coveringWildcards(host: string): string[] {
    if (host === "*") return [];
    const base = isWildcard(host) ? host.slice(2) : host;
    const out: string[] = [];
    // Each dot starts the suffix of one covering wildcard (`a.b.c`: `.b.c`, `.c`).
    for (let dot = base.indexOf("."); dot >= 0; dot = base.indexOf(".", dot + 1)) out.push("*" + base.slice(dot));
    out.push("*");
    return out;
}
