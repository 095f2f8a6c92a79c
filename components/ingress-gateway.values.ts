/**
 * Helm values for Istio's `gateway` chart and the Gateway resource specs, as pure functions of the typed
 * gateway settings. User overrides are merged last; `_internal_defaults_do_not_set` is never written.
 */
import type { LoadBalancer } from "../config/cluster";
import type { GatewayConfig } from "../config/gateways";
import { mergeValues } from "./chart-source";

export interface GatewayValuesArgs {
    gateway: GatewayConfig;
    loadBalancer: LoadBalancer;
    /** The pool the pinned address comes from (resolved against cluster.addressPools). */
    pool?: string;
    /** The control-plane revision, when one is configured: its injector must inject the gateway. */
    revision?: string;
    imagePullSecrets: string[];
}

/** Service annotations that pin the gateway's load-balancer address. */
export function addressAnnotations(loadBalancer: LoadBalancer, address: string, pool?: string): Record<string, string> {
    if (loadBalancer === "kube-vip") {
        return { "kube-vip.io/loadbalancerIPs": address };
    }
    return pool ? { "metallb.io/loadBalancerIPs": address, "metallb.io/address-pool": pool } : { "metallb.io/loadBalancerIPs": address };
}

/**
 * The Service's ports. The chart's defaults (status, 80, 443) serve the external gateway as it always
 * was; any other set of listeners is spelled out, so a gateway exposes exactly the ports its Gateway
 * serves (the internal one: no plaintext port where mutual TLS is enforced).
 */
export function servicePorts(g: Pick<GatewayConfig, "kind" | "ports">): Record<string, unknown>[] | undefined {
    const key = g.ports
        .map((p) => `${p.protocol}/${p.number}`)
        .sort()
        .join(",");
    if (g.kind === "egress" || key === "HTTP/80,HTTPS/443") {
        return undefined;
    }
    return [
        { name: "status-port", port: 15021, protocol: "TCP", targetPort: 15021 },
        ...g.ports.map((p) => ({ name: p.name, port: p.number, protocol: "TCP", targetPort: p.number })),
    ];
}

/** The scheduling values of the gateway chart: node selector, tolerations, anti-affinity, zone spread, priority. */
export function placementValues(g: Pick<GatewayConfig, "labels" | "placement">): Record<string, unknown> {
    const p = g.placement;
    const selector = { matchLabels: { istio: g.labels.istio } };
    const out: Record<string, unknown> = {};
    if (Object.keys(p.nodeSelector).length > 0) {
        out.nodeSelector = { ...p.nodeSelector };
    }
    if (p.tolerations.length > 0) {
        out.tolerations = p.tolerations.map((t) => ({ ...t }));
    }
    if (p.antiAffinity !== "none") {
        const term = { labelSelector: selector, topologyKey: "kubernetes.io/hostname" };
        out.affinity = {
            podAntiAffinity:
                p.antiAffinity === "required"
                    ? { requiredDuringSchedulingIgnoredDuringExecution: [term] }
                    : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] },
        };
    }
    if (p.zoneSpread !== "none") {
        out.topologySpreadConstraints = [
            {
                maxSkew: 1,
                topologyKey: "topology.kubernetes.io/zone",
                whenUnsatisfiable: p.zoneSpread === "required" ? "DoNotSchedule" : "ScheduleAnyway",
                labelSelector: selector,
            },
        ];
    }
    if (p.priorityClassName) {
        out.priorityClassName = p.priorityClassName;
    }
    return out;
}

export function gatewayValues(a: GatewayValuesArgs): Record<string, unknown> {
    const g = a.gateway;
    const service: Record<string, unknown> = { type: g.serviceType };
    if (g.serviceType === "LoadBalancer" && g.address) {
        service.annotations = addressAnnotations(a.loadBalancer, g.address, a.pool);
    }
    if (g.serviceType === "LoadBalancer" || g.serviceType === "NodePort") {
        service.externalTrafficPolicy = g.externalTrafficPolicy;
    }
    if (g.loadBalancerSourceRanges.length > 0) {
        service.loadBalancerSourceRanges = [...g.loadBalancerSourceRanges];
    }
    const ports = servicePorts(g);
    if (ports) {
        service.ports = ports;
    }
    const values: Record<string, unknown> = {
        labels: { ...g.labels },
        service,
        podDisruptionBudget: g.podDisruptionBudget ? { minAvailable: 1 } : {},
        ...placementValues(g),
    };
    if (g.scaling.kind === "fixed") {
        values.autoscaling = { enabled: false };
        values.replicaCount = g.scaling.replicas;
    } else {
        values.autoscaling = {
            enabled: true,
            minReplicas: g.scaling.min,
            maxReplicas: g.scaling.max,
            targetCPUUtilizationPercentage: g.scaling.targetCpu,
        };
    }
    if (g.resources) {
        values.resources = g.resources;
    }
    if (a.revision) {
        values.revision = a.revision;
    }
    if (a.imagePullSecrets.length > 0) {
        values.imagePullSecrets = a.imagePullSecrets.map((name) => ({ name }));
    }
    return mergeValues(values, g.values);
}

/** The path prefix of ACME HTTP-01 challenges (RFC 8555 §8.3). */
export const ACME_CHALLENGE_PREFIX = "/.well-known/acme-challenge/";

function escapeRegex(c: string): string {
    return /[\\^$.|?*+()[\]{}-]/.test(c) ? `\\${c}` : c;
}

/**
 * An RE2 regex (full match) for every path that does NOT start with `prefix`. RE2 has no lookahead,
 * so the complement is spelled out: at each position either the path ends, or it differs from the
 * prefix there, or it continues along the prefix.
 */
export function notPrefixRegex(prefix: string): string {
    let tail = "";
    for (let i = prefix.length - 1; i >= 0; i--) {
        const c = escapeRegex(prefix[i]);
        const differ = `[^${c}].*`;
        tail = i === prefix.length - 1 ? `(?:${differ})?` : `(?:${differ}|${c}${tail})?`;
    }
    return tail;
}

export interface GatewayServer {
    port: { number: number; name: string; protocol: string };
    hosts: string[];
    tls?: Record<string, unknown>;
}

/**
 * The servers of an ingress gateway's Gateway resource, one per port: HTTPS with the gateway's
 * certificate (SIMPLE or MUTUAL), HTTP (redirecting to HTTPS where asked), TLS passed through by SNI, and
 * TCP. With an ACME issuer, redirecting HTTP ports are left to `httpRedirectGateway` instead (see there).
 */
export function gatewayServers(g: GatewayConfig): GatewayServer[] {
    const servers: GatewayServer[] = [];
    for (const p of g.ports) {
        const port = { number: p.number, name: p.name, protocol: p.protocol };
        const hosts = [...(p.hosts ?? g.hosts)];
        switch (p.protocol) {
            case "HTTPS":
                servers.push({ port, hosts, tls: { mode: p.tls ?? g.tlsMode, credentialName: g.credentialName, minProtocolVersion: "TLSV1_2" } });
                break;
            case "HTTP":
                if (p.httpsRedirect && g.issuer === "acme") {
                    break;
                }
                servers.push(p.httpsRedirect ? { port, hosts, tls: { httpsRedirect: true } } : { port, hosts });
                break;
            case "TLS":
                servers.push({ port, hosts, tls: { mode: "PASSTHROUGH" } });
                break;
            case "TCP":
                servers.push({ port, hosts: ["*"] });
                break;
        }
    }
    return servers;
}

/** The HTTP port `httpRedirectGateway` serves, if the gateway has one (ACME issuer, redirecting port). */
export function acmeRedirectPort(g: GatewayConfig): number | undefined {
    return g.issuer === "acme" ? g.ports.find((p) => p.protocol === "HTTP" && p.httpsRedirect)?.number : undefined;
}

/**
 * The VirtualService that carries an ingress gateway's TCP and TLS passthrough ports to their
 * destinations (no HTTP route can), or undefined when the gateway has none.
 */
export function portRoutesSpec(g: GatewayConfig, gatewayRef: string): Record<string, unknown> | undefined {
    const tcp = g.ports.filter((p) => p.protocol === "TCP" && p.to);
    const tls = g.ports.filter((p) => p.protocol === "TLS" && p.to);
    if (tcp.length === 0 && tls.length === 0) {
        return undefined;
    }
    const destination = (to: { service: string; port: number }) => [{ destination: { host: to.service, port: { number: to.port } } }];
    const spec: Record<string, unknown> = {
        hosts: [...new Set([...tls.flatMap((p) => p.hosts ?? []), ...(tcp.length > 0 ? ["*"] : [])])],
        gateways: [gatewayRef],
    };
    if (tls.length > 0) {
        spec.tls = tls.map((p) => ({ match: [{ port: p.number, sniHosts: [...(p.hosts ?? [])] }], route: destination(p.to!) }));
    }
    if (tcp.length > 0) {
        spec.tcp = tcp.map((p) => ({ match: [{ port: p.number }], route: destination(p.to!) }));
    }
    return spec;
}

/**
 * Port 80 of an external gateway whose certificate comes from ACME HTTP-01.
 *
 * Istio applies `tls.httpsRedirect` to the whole virtual host: every route for that host on port 80,
 * including the ones istiod derives from cert-manager's solver Ingress (class `istio`, bound to the
 * gateway pods labelled `istio: ingressgateway`), would answer 301 and the challenge would never reach
 * the solver. So port 80 gets its own Gateway (apps' VirtualServices bind to the 443 one and never
 * serve plaintext), and a VirtualService redirects every path except `/.well-known/acme-challenge/`
 * to HTTPS; challenge paths fall through to the solver's routes, whatever order istiod merges them in.
 */
export function httpRedirectGateway(
    g: GatewayConfig,
    namespace: string,
    port = 80,
): { gateway: Record<string, unknown>; virtualService: Record<string, unknown> } {
    const name = `${g.gatewayName}-http`;
    return {
        gateway: {
            selector: { ...g.labels },
            servers: [{ port: { number: port, name: "http", protocol: "HTTP" }, hosts: [...g.hosts] }],
        },
        virtualService: {
            hosts: [...g.hosts],
            gateways: [`${namespace}/${name}`],
            http: [
                {
                    name: "https-redirect",
                    match: [{ uri: { regex: notPrefixRegex(ACME_CHALLENGE_PREFIX) } }],
                    redirect: { scheme: "https", redirectCode: 301 },
                },
            ],
        },
    };
}
