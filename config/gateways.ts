/**
 * `istio-mesh:gateways`: any number of gateways by name, each an ingress gateway (a Service, by default
 * a LoadBalancer with a pinned address, and a Gateway resource with its ports) or an egress gateway (the
 * mesh's one exit for the external services routed through it). `external` and `internal` keep the names,
 * labels and release names of the convention (INTEGRATION.md, seed 001) so that policies, authorization
 * rules and dashboards can rely on them; other gateways derive theirs from their key.
 */
import { IP_HINT } from "./cluster";
import { parseResources, Resources } from "./control-plane";
import { DNS_LABEL, DNS_LABEL_HINT, Field, show } from "./field";
import { GatewayPort, parsePorts, ServerTlsMode } from "./gateway-ports";
import { parsePlacement, Placement } from "./gateway-placement";
import { parseIp, parsePoolEntry } from "../domain/ip";
import { isDnsName } from "../domain/names";
import { parseScaling, Scaling } from "./scaling";

export type { GatewayPort, Placement };

/** An ingress gateway takes traffic into the mesh; an egress gateway carries the mesh's traffic out. */
export type GatewayKind = "ingress" | "egress";

export type GatewayScaling = Scaling;
export type ServiceType = "LoadBalancer" | "ClusterIP" | "NodePort";
export type Issuer = "acme" | "internal" | "none";

export interface GatewayConfig {
    /** The key under `gateways` (`external`, `internal`, `partner`, `egress`). */
    name: string;
    kind: GatewayKind;
    /** The namespace of the gateway's pods, Service, Gateway resource and certificate. */
    namespace: string;
    /** Helm release name, which the chart gives the Deployment, Service and ServiceAccount. */
    release: string;
    /** The Istio Gateway resource's name. */
    gatewayName: string;
    /** Pod labels the Gateway resource selects. */
    labels: { istio: string; "gateway-type": string };
    /** The hosts the gateway serves by default (its HTTP and HTTPS ports) and its certificate covers. */
    hosts: string[];
    /** The pinned load-balancer address. */
    address?: string;
    /** The address pool to take `address` from; defaults to the declared pool that contains it. */
    pool?: string;
    serviceType: ServiceType;
    /** `Local` keeps client source IPs (only nodes running a gateway pod attract traffic). */
    externalTrafficPolicy: "Cluster" | "Local";
    /** Client CIDRs the load balancer admits (empty: any). */
    loadBalancerSourceRanges: string[];
    scaling: GatewayScaling;
    podDisruptionBudget: boolean;
    resources?: Resources;
    placement: Placement;
    /** Who signs the gateway's certificate: Let's Encrypt (ACME HTTP-01), the stack's internal CA, or nobody. */
    issuer: Issuer;
    /** The mode of the default HTTPS port: SIMPLE (server TLS) or MUTUAL (client certificates). */
    tlsMode: ServerTlsMode;
    /** The Secret holding the certificate, in the gateway's namespace (where its pods read it). */
    credentialName: string;
    /** An ingress gateway's listeners; an egress gateway's come from the external services routed through it. */
    ports: GatewayPort[];
    /** Raw gateway chart values, merged last. */
    values: Record<string, unknown>;
}

export interface GatewaysConfig {
    /** The default namespace of the gateways. */
    namespace: string;
    /** Every configured gateway by name, in the stack file's order. */
    byName: Record<string, GatewayConfig>;
}

export const GATEWAYS_DEFAULTS = {
    namespace: "istio-ingress",
    // The chart's own defaults: an autoscaler from 1 to 5 replicas at 80% CPU.
    autoscale: { min: 1, max: 5, targetCpu: 80 },
    externalTrafficPolicy: "Cluster" as const,
    external: {
        release: "istio-ingressgateway",
        gatewayName: "external-gateway",
        istioLabel: "ingressgateway",
        issuer: "acme" as Issuer,
        tls: "SIMPLE" as ServerTlsMode,
    },
    internal: {
        release: "istio-ingressgateway-internal",
        gatewayName: "internal-gateway",
        istioLabel: "ingressgateway-internal",
        issuer: "internal" as Issuer,
        tls: "MUTUAL" as ServerTlsMode,
    },
    /** Any other gateway: no certificate unless one is asked for, HTTPS SIMPLE on 443. */
    other: { issuer: "none" as Issuer, tls: "SIMPLE" as ServerTlsMode },
} as const;

/** Names, labels and release of a gateway, by its key: the two conventional ones, else derived. */
export function gatewayIdentity(name: string, kind: GatewayKind): { release: string; gatewayName: string; istioLabel: string } {
    if (name === "external" || name === "internal") {
        const d = GATEWAYS_DEFAULTS[name];
        return { release: d.release, gatewayName: d.gatewayName, istioLabel: d.istioLabel };
    }
    const base = kind === "egress" ? "egressgateway" : "ingressgateway";
    const suffix = kind === "egress" && name === "egress" ? "" : `-${name}`;
    return { release: `istio-${base}${suffix}`, gatewayName: `${name}-gateway`, istioLabel: `${base}${suffix}` };
}
export const HOST_HINT = "a lowercase DNS name with at least one dot, such as app.example.com";
const RESERVED = ["kube-system", "kube-public"];

export function parseGateways(f: Field): GatewaysConfig | undefined {
    if (!f.isSet) {
        return { namespace: GATEWAYS_DEFAULTS.namespace, byName: {} };
    }
    if (!f.isObject()) {
        return f.problem(`must be a map of gateway name to settings, with an optional namespace (got ${show(f.value)})`);
    }
    const ns = f.child("namespace");
    const namespace = ns.string(GATEWAYS_DEFAULTS.namespace, { pattern: DNS_LABEL, patternHint: DNS_LABEL_HINT });
    if (RESERVED.includes(namespace)) {
        ns.problem(`must not be ${namespace}: gateways need sidecar injection, which Istio never does in ${namespace}`);
    }
    const byName: Record<string, GatewayConfig> = {};
    for (const key of Object.keys(f.value as object)) {
        const child = f.child(key);
        if (key === "namespace" || !child.isSet) {
            continue;
        }
        if (!DNS_LABEL.test(key)) {
            child.problem(`is not a valid gateway name: must be ${DNS_LABEL_HINT}`);
            continue;
        }
        const g = parseGateway(child, key, namespace);
        if (g) {
            byName[key] = g;
        }
    }
    checkSharedAddresses(f, Object.values(byName));
    return { namespace, byName };
}

/** Two Services cannot hold one load-balancer address (MetalLB would leave the second pending). */
function checkSharedAddresses(f: Field, gateways: GatewayConfig[]): void {
    const seen: GatewayConfig[] = [];
    for (const g of gateways) {
        const ip = g.address ? parseIp(g.address) : undefined;
        const first = ip && seen.find((s) => sameAddress(s.address!, g.address!));
        if (first) {
            f.child(g.name)
                .child("address")
                .problem(
                    `${g.address} is already gateways.${first.name}.address: two Services cannot share one load-balancer address; pick another address from the pool`,
                );
        } else if (ip) {
            seen.push(g);
        }
    }
}

function sameAddress(a: string, b: string): boolean {
    const x = parseIp(a);
    const y = parseIp(b);
    return x !== undefined && y !== undefined && x.family === y.family && x.value === y.value;
}

const COMMON_KEYS = ["namespace", "replicas", "autoscale", "podDisruptionBudget", "resources", "placement", "values"];
const INGRESS_KEYS = ["address", "pool", "serviceType", "hosts", "ports", "issuer", "tls", "externalTrafficPolicy", "loadBalancerSourceRanges"];

function parseGateway(f: Field, name: string, defaultNamespace: string): GatewayConfig | undefined {
    const builtin = name === "external" || name === "internal";
    const kindField = f.isObject() ? f.child("kind") : undefined;
    const asked = (kindField?.string("ingress", { oneOf: ["ingress", "egress"] }) ?? "ingress") as GatewayKind;
    // The conventional gateways stay ingress gateways; the rest of their settings are read as such.
    const kind: GatewayKind = builtin ? "ingress" : asked;
    if (builtin && asked !== "ingress") {
        kindField!.problem(
            `must be ingress: gateways.${name} is the conventional ${name} ingress gateway; give an egress gateway its own name, such as egress`,
        );
    }
    const keys = kind === "egress" ? ["kind", ...COMMON_KEYS] : ["kind", ...COMMON_KEYS, ...INGRESS_KEYS];
    const o = f.object(keys) as Record<string, Field> | undefined;
    if (!o) {
        return undefined;
    }
    const id = gatewayIdentity(name, kind);
    const namespace = o.namespace.string(defaultNamespace, { pattern: DNS_LABEL, patternHint: DNS_LABEL_HINT });
    if (o.namespace.isSet && RESERVED.includes(namespace)) {
        o.namespace.problem(`must not be ${namespace}: gateways need sidecar injection, which Istio never does in ${namespace}`);
    }
    const scaling = parseScaling(o.replicas, o.autoscale, GATEWAYS_DEFAULTS.autoscale);
    const minReplicas = scaling.kind === "fixed" ? scaling.replicas : scaling.min;
    const podDisruptionBudget = o.podDisruptionBudget.boolean(minReplicas >= 2);
    if (podDisruptionBudget && minReplicas < 2) {
        o.podDisruptionBudget.problem(
            "needs at least 2 replicas: with one gateway pod a PodDisruptionBudget (minAvailable 1) blocks every node drain; raise replicas/autoscale.min or set podDisruptionBudget: false",
        );
    }
    const common = {
        name,
        kind,
        namespace,
        release: id.release,
        gatewayName: id.gatewayName,
        labels: { istio: id.istioLabel, "gateway-type": name },
        scaling,
        podDisruptionBudget,
        resources: parseResources(o.resources),
        placement: parsePlacement(o.placement, minReplicas),
        credentialName: `${id.gatewayName}-tls`,
        values: parseValues(o.values),
    };
    if (kind === "egress") {
        return {
            ...common,
            hosts: [],
            serviceType: "ClusterIP",
            externalTrafficPolicy: GATEWAYS_DEFAULTS.externalTrafficPolicy,
            loadBalancerSourceRanges: [],
            issuer: "none",
            tlsMode: "SIMPLE",
            ports: [],
        };
    }
    return { ...common, ...parseIngress(o, name) };
}

type IngressPart = Pick<
    GatewayConfig,
    "hosts" | "address" | "pool" | "serviceType" | "externalTrafficPolicy" | "loadBalancerSourceRanges" | "issuer" | "tlsMode" | "ports"
>;

function parseIngress(o: Record<string, Field>, name: string): IngressPart {
    const d = name === "external" || name === "internal" ? GATEWAYS_DEFAULTS[name] : GATEWAYS_DEFAULTS.other;
    const address = o.address.string(undefined);
    if (address !== undefined && !parseIp(address)) {
        o.address.problem(`must be ${IP_HINT} inside one of cluster.addressPools (got ${JSON.stringify(address)})`);
    }
    if (name === "external" && !o.address.isSet) {
        o.address.problem(
            "required: the external gateway's load-balancer address, pinned so DNS can point at it (an address inside one of cluster.addressPools)",
        );
    }
    const pool = o.pool.string(undefined, { pattern: DNS_LABEL, patternHint: DNS_LABEL_HINT });
    if (pool !== undefined && address === undefined) {
        o.pool.problem("needs address: a pool only says where a pinned address comes from");
    }
    const serviceType = o.serviceType.string(address !== undefined ? "LoadBalancer" : "ClusterIP", {
        oneOf: ["LoadBalancer", "ClusterIP", "NodePort"],
    }) as ServiceType;
    if (address !== undefined && serviceType !== "LoadBalancer") {
        o.serviceType.problem(`must be LoadBalancer with address: only a LoadBalancer Service holds a pinned address (got ${serviceType})`);
    }
    if (serviceType === "ClusterIP" && o.externalTrafficPolicy.isSet) {
        o.externalTrafficPolicy.problem("needs address: externalTrafficPolicy applies to LoadBalancer Services only, and this gateway is ClusterIP");
    }
    const ranges = o.loadBalancerSourceRanges.list(parseSourceRange) ?? [];
    if (ranges.length > 0 && serviceType !== "LoadBalancer") {
        o.loadBalancerSourceRanges.problem(`applies to LoadBalancer Services only, and this gateway is ${serviceType}`);
    }
    const tlsMode = o.tls.string(d.tls, { oneOf: ["SIMPLE", "MUTUAL"] }) as ServerTlsMode;
    const issuer = o.issuer.string(d.issuer, { oneOf: ["acme", "internal", "none"] }) as Issuer;
    if (issuer === "acme" && name !== "external") {
        o.issuer.problem(
            "acme needs the external gateway: cert-manager's HTTP-01 solver is reachable only through the external gateway's port 80 (istiod's ingress class selects its pods); use internal, or publish the hosts on gateways.external",
        );
    }
    const explicitPorts = o.ports.isSet ? parsePorts(o.ports, tlsMode) : undefined;
    if (explicitPorts && o.tls.isSet) {
        o.tls.problem("sets the mode of the default HTTPS port, and ports are given: set tls on the HTTPS port instead");
    }
    const ports = explicitPorts ?? defaultPorts(name, tlsMode);
    const needsHosts = ports.some((p) => (p.protocol === "HTTP" || p.protocol === "HTTPS") && !p.hosts);
    const hosts = o.hosts.isSet || needsHosts ? parseHosts(o.hosts, name) : [];
    if (issuer !== "acme" || name === "external") {
        checkPortCertificates(o, ports, issuer, explicitPorts !== undefined);
    }
    if (issuer === "acme" && explicitPorts && !explicitPorts.some((p) => p.protocol === "HTTP" && p.number === 80)) {
        o.ports.problem(
            "has no HTTP port 80, where Let's Encrypt sends issuer acme's HTTP-01 challenges: add {number: 80, protocol: HTTP, httpsRedirect: true} or set issuer: internal",
        );
    }
    return {
        hosts,
        address,
        pool,
        serviceType,
        externalTrafficPolicy: o.externalTrafficPolicy.string(GATEWAYS_DEFAULTS.externalTrafficPolicy, { oneOf: ["Cluster", "Local"] }) as "Cluster" | "Local",
        loadBalancerSourceRanges: ranges,
        issuer,
        tlsMode,
        ports,
    };
}

/** The listeners a gateway has unless `ports` says otherwise: HTTPS on 443, and for `external` a redirect on 80. */
export function defaultPorts(name: string, tls: ServerTlsMode): GatewayPort[] {
    const https: GatewayPort = { number: 443, name: "https", protocol: "HTTPS", tls };
    return name === "external" ? [https, { number: 80, name: "http", protocol: "HTTP", httpsRedirect: true }] : [https];
}

/** HTTPS ports terminate TLS with the gateway's certificate; MUTUAL verifies clients against the internal CA. */
function checkPortCertificates(o: Record<string, Field>, ports: GatewayPort[], issuer: Issuer, explicit: boolean): void {
    ports.forEach((p, i) => {
        if (p.protocol !== "HTTPS") {
            return;
        }
        const key = explicit ? o.ports.child(i) : o.issuer;
        if (issuer === "none") {
            key.problem(
                `HTTPS port ${p.number} terminates TLS and needs a certificate: set issuer (internal: the stack's CA; acme: Let's Encrypt, external gateway only), or make the port TLS passthrough`,
            );
        } else if (p.tls === "MUTUAL" && issuer !== "internal") {
            (explicit ? key : o.tls).problem(
                `MUTUAL on port ${p.number} verifies client certificates against the internal CA, which only issuer: internal puts beside the gateway's certificate; set issuer: internal or tls: SIMPLE`,
            );
        }
    });
}

function parseSourceRange(f: Field): string | undefined {
    const text = f.string(undefined);
    if (text === undefined) {
        return undefined;
    }
    const parsed = text.includes("/") ? parsePoolEntry(text) : undefined;
    if (!parsed || "error" in parsed) {
        return f.problem(`must be a CIDR such as 203.0.113.0/24 or 2001:db8::/48 (got ${show(text)})`);
    }
    return text;
}

/** Raw chart values, with the chart's reserved key refused: it holds the chart's defaults, not overrides. */
function parseValues(f: Field): Record<string, unknown> {
    const values = f.record() ?? {};
    if ("_internal_defaults_do_not_set" in values) {
        f.child("_internal_defaults_do_not_set").problem(
            "is reserved by the gateway chart for its own defaults; set the field directly under values (values.service.type, not values._internal_defaults_do_not_set.service.type)",
        );
        const { _internal_defaults_do_not_set: _, ...rest } = values;
        return rest;
    }
    return values;
}

function parseHosts(f: Field, name: string): string[] {
    if (!f.isSet) {
        f.problem(`required: the hosts the ${name} gateway serves, e.g. [app.example.com]`);
        return [];
    }
    const external = name === "external";
    const seen = new Set<string>();
    return (
        f.list(
            (h) => {
                const host = h.string(undefined);
                if (host === undefined) {
                    return undefined;
                }
                if (host === "*" || (external && host.includes("*"))) {
                    return h.problem(
                        external
                            ? `must be an explicit host, not a wildcard (got ${JSON.stringify(host)}): the external gateway would answer for any name pointed at it, and Let's Encrypt HTTP-01 cannot issue wildcard certificates`
                            : `must not be "*": the gateway's certificate needs explicit names; use a domain wildcard such as *.internal.example.com`,
                    );
                }
                if (!isDnsName(host, { wildcard: true }) || parseIp(host)) {
                    return h.problem(`must be ${HOST_HINT}${external ? "" : " or *.example.com"} (got ${JSON.stringify(host)})`);
                }
                if (seen.has(host)) {
                    return h.problem(`duplicates host ${JSON.stringify(host)}`);
                }
                seen.add(host);
                return host;
            },
            { minItems: 1 },
        ) ?? []
    );
}

/** The names the gateway's certificate carries: its hosts and those of its HTTPS ports. */
export function certificateHosts(g: Pick<GatewayConfig, "hosts" | "ports">): string[] {
    const https = (g.ports ?? []).filter((p) => p.protocol === "HTTPS").flatMap((p) => p.hosts ?? []);
    return [...new Set([...g.hosts, ...https])];
}
