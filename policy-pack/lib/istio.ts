/** Walks over the parts of Istio resources that several policies read. */
import { arr, K8sObject, Obj, str } from "./k8s";

export const GK = {
    VirtualService: "networking.istio.io/VirtualService",
    DestinationRule: "networking.istio.io/DestinationRule",
    Gateway: "networking.istio.io/Gateway",
    ServiceEntry: "networking.istio.io/ServiceEntry",
    Sidecar: "networking.istio.io/Sidecar",
    EnvoyFilter: "networking.istio.io/EnvoyFilter",
    PeerAuthentication: "security.istio.io/PeerAuthentication",
    AuthorizationPolicy: "security.istio.io/AuthorizationPolicy",
    RequestAuthentication: "security.istio.io/RequestAuthentication",
    Telemetry: "telemetry.istio.io/Telemetry",
    KubeGateway: "gateway.networking.k8s.io/Gateway",
    Certificate: "cert-manager.io/Certificate",
    IPAddressPool: "metallb.io/IPAddressPool",
    Namespace: "core/Namespace",
    Service: "core/Service",
    Secret: "core/Secret",
    ConfigMap: "core/ConfigMap",
    Deployment: "apps/Deployment",
    DaemonSet: "apps/DaemonSet",
    StatefulSet: "apps/StatefulSet",
    PodDisruptionBudget: "policy/PodDisruptionBudget",
    HorizontalPodAutoscaler: "autoscaling/HorizontalPodAutoscaler",
} as const;

/** A TLS settings block of a DestinationRule with its field path. */
export interface TlsAt {
    path: string;
    tls: Obj;
    portLevel: boolean;
}

/** Every `tls` block of a DestinationRule: top level, per port, per subset and per subset port. */
export function destinationRuleTls(spec: Obj): TlsAt[] {
    const out: TlsAt[] = [];
    const policy = (tp: unknown, base: string) => {
        if (!tp || typeof tp !== "object") return;
        const t = (tp as Obj).tls;
        if (t && typeof t === "object") out.push({ path: `${base}.tls`, tls: t, portLevel: false });
        arr((tp as Obj).portLevelSettings).forEach((pl, i) => {
            if (pl && typeof pl.tls === "object" && pl.tls) {
                out.push({ path: `${base}.portLevelSettings[${i}].tls`, tls: pl.tls, portLevel: true });
            }
        });
    };
    policy(spec.trafficPolicy, "spec.trafficPolicy");
    arr(spec.subsets).forEach((s, i) => policy(s?.trafficPolicy, `spec.subsets[${i}].trafficPolicy`));
    return out;
}

/** A destination a VirtualService sends traffic to. */
export interface DestinationAt {
    path: string;
    host: string;
    subset?: string;
    port?: number;
}

/** Route, mirror and mirrors destinations of a VirtualService's http, tcp and tls routes. */
export function virtualServiceDestinations(spec: Obj): DestinationAt[] {
    const out: DestinationAt[] = [];
    const dest = (d: unknown, path: string) => {
        const host = str((d as Obj | undefined)?.host);
        const port = (d as Obj | undefined)?.port?.number;
        if (host) out.push({ path, host, subset: str((d as Obj).subset), port: typeof port === "number" ? port : undefined });
    };
    for (const section of ["http", "tcp", "tls"]) {
        arr(spec[section]).forEach((r, i) => {
            arr(r?.route).forEach((rd, j) => dest(rd?.destination, `spec.${section}[${i}].route[${j}].destination`));
            if (section === "http") {
                dest(r?.mirror, `spec.http[${i}].mirror`);
                arr(r?.mirrors).forEach((m, j) => dest(m?.destination, `spec.http[${i}].mirrors[${j}].destination`));
            }
        });
    }
    return out;
}

/** A Gateway reference written in a VirtualService. */
export interface GatewayRefAt {
    path: string;
    ref: string;
}

/** `spec.gateways` and the `gateways` of every route match. */
export function virtualServiceGatewayRefs(spec: Obj): GatewayRefAt[] {
    const out: GatewayRefAt[] = [];
    arr(spec.gateways).forEach((g, i) => {
        if (typeof g === "string") out.push({ path: `spec.gateways[${i}]`, ref: g });
    });
    for (const section of ["http", "tcp", "tls"]) {
        arr(spec[section]).forEach((r, i) =>
            arr(r?.match).forEach((m, j) =>
                arr(m?.gateways).forEach((g, k) => {
                    if (typeof g === "string") out.push({ path: `spec.${section}[${i}].match[${j}].gateways[${k}]`, ref: g });
                }),
            ),
        );
    }
    return out;
}

/** True when the VirtualService applies to sidecars: no `gateways`, or `mesh` among them. */
export function boundToMesh(spec: Obj): boolean {
    const gws = arr(spec.gateways);
    return gws.length === 0 || gws.includes("mesh");
}

/** True when a namespace object turns sidecar injection on (`istio-injection=enabled` or a revision label). */
export function injectionEnabled(ns: K8sObject): boolean {
    return ns.labels["istio-injection"] === "enabled" || (ns.labels["istio.io/rev"] !== undefined && ns.labels["istio-injection"] !== "disabled");
}

/**
 * Why Istio rejects a ServiceEntry, or undefined when it accepts it. A rejected entry is never applied, so it
 * declares no host: the checks that look for a ServiceEntry over a host skip it.
 */
export function serviceEntryInvalid(spec: Obj): string | undefined {
    const hosts = arr(spec.hosts).filter((h): h is string => typeof h === "string");
    if (hosts.length === 0) return "it lists no hosts";
    if (hosts.includes("*")) return "it lists the host *";
    const resolution = str(spec.resolution) ?? "NONE";
    const wildcard = hosts.find((h) => h.startsWith("*"));
    if (resolution === "DNS" && wildcard && arr(spec.endpoints).length === 0) {
        return `resolution DNS needs endpoints for the wildcard host ${wildcard}`;
    }
    if ((resolution === "DNS" || resolution === "DNS_ROUND_ROBIN") && arr(spec.addresses).some((a) => typeof a === "string" && a.includes("/"))) {
        return `resolution ${resolution} cannot use CIDR addresses`;
    }
    if (arr(spec.ports).some((p) => typeof p?.number !== "number" || !str(p?.name))) return "a port lacks its number or name";
    return undefined;
}
