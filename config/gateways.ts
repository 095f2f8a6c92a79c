/**
 * `istio-mesh:gateways`: the external (internet-facing, LoadBalancer with a pinned address) and internal
 * (cluster-facing, mutual TLS) ingress gateways. Names, labels and release names are fixed by convention
 * (INTEGRATION.md) so that policies, authorization rules and dashboards can rely on them.
 */
import { parseResources, Resources } from "./control-plane";
import { DNS_LABEL, DNS_LABEL_HINT, Field } from "./field";
import { IP_HINT } from "./cluster";
import { parseIp } from "../domain/ip";
import { isDnsName } from "../domain/names";
import { parseScaling, Scaling } from "./scaling";

export type GatewayKind = "external" | "internal";

export type GatewayScaling = Scaling;

export interface GatewayConfig {
    kind: GatewayKind;
    /** Helm release name, which the chart gives the Deployment, Service and ServiceAccount. */
    release: string;
    /** The Istio Gateway resource's name (in the gateways' namespace). */
    gatewayName: string;
    /** Pod labels the Gateway resource selects. */
    labels: { istio: string; "gateway-type": GatewayKind };
    /** The hosts the Gateway serves and its certificate covers. */
    hosts: string[];
    /** The pinned load-balancer address; the Service is ClusterIP without one (internal gateway only). */
    address?: string;
    /** The address pool to take `address` from; defaults to the declared pool that contains it. */
    pool?: string;
    serviceType: "LoadBalancer" | "ClusterIP";
    /** `Local` keeps client source IPs (only nodes running a gateway pod attract traffic). */
    externalTrafficPolicy: "Cluster" | "Local";
    scaling: GatewayScaling;
    podDisruptionBudget: boolean;
    resources?: Resources;
    /** Who signs the gateway's certificate: Let's Encrypt (ACME HTTP-01) or the stack's internal CA. */
    issuer: "acme" | "internal";
    /** SIMPLE: server TLS only; MUTUAL: clients must present a certificate from the internal CA. */
    tlsMode: "SIMPLE" | "MUTUAL";
    /** The Secret holding the certificate, in the gateways' namespace (where gateway pods read it). */
    credentialName: string;
    /** Raw gateway chart values, merged last. */
    values: Record<string, unknown>;
}

export interface GatewaysConfig {
    /** The namespace both gateways, their certificates and Gateway resources live in. */
    namespace: string;
    external?: GatewayConfig;
    internal?: GatewayConfig;
}

export const GATEWAYS_DEFAULTS = {
    namespace: "istio-ingress",
    // The chart's own defaults: an autoscaler from 1 to 5 replicas at 80% CPU.
    autoscale: { min: 1, max: 5, targetCpu: 80 },
    externalTrafficPolicy: "Cluster" as const,
    external: { release: "istio-ingressgateway", gatewayName: "external-gateway", istioLabel: "ingressgateway", issuer: "acme" as const },
    internal: { release: "istio-ingressgateway-internal", gatewayName: "internal-gateway", istioLabel: "ingressgateway-internal" },
} as const;

export const HOST_HINT = "a lowercase DNS name with at least one dot, such as app.example.com";

export function parseGateways(f: Field): GatewaysConfig | undefined {
    const o = f.object(["namespace", "external", "internal"]);
    if (!o) {
        return undefined;
    }
    const namespace = o.namespace.string(GATEWAYS_DEFAULTS.namespace, { pattern: DNS_LABEL, patternHint: DNS_LABEL_HINT });
    const external = o.external.isSet ? parseGateway(o.external, "external") : undefined;
    const internal = o.internal.isSet ? parseGateway(o.internal, "internal") : undefined;
    if (external?.address && internal?.address && sameAddress(external.address, internal.address)) {
        o.internal.child("address").problem(
            `${internal.address} is already gateways.external.address: two Services cannot share one load-balancer address; pick another address from the pool`,
        );
    }
    if (namespace === "kube-system" || namespace === "kube-public") {
        o.namespace.problem(`must not be ${namespace}: gateways need sidecar injection, which Istio never does in ${namespace}`);
    }
    return { namespace, external, internal };
}

function sameAddress(a: string, b: string): boolean {
    const x = parseIp(a);
    const y = parseIp(b);
    return x !== undefined && y !== undefined && x.family === y.family && x.value === y.value;
}

function parseGateway(f: Field, kind: GatewayKind): GatewayConfig | undefined {
    const keys = ["address", "pool", "hosts", "replicas", "autoscale", "podDisruptionBudget", "resources", "externalTrafficPolicy", "values"];
    const o = f.object(kind === "external" ? [...keys, "issuer"] : keys);
    if (!o) {
        return undefined;
    }
    const d = GATEWAYS_DEFAULTS[kind];
    const hosts = parseHosts(o.hosts, kind);
    const address = o.address.string(undefined);
    if (address !== undefined && !parseIp(address)) {
        o.address.problem(`must be ${IP_HINT} inside one of cluster.addressPools (got ${JSON.stringify(address)})`);
    }
    if (kind === "external" && !o.address.isSet) {
        o.address.problem("required: the external gateway's load-balancer address, pinned so DNS can point at it (an address inside one of cluster.addressPools)");
    }
    const pool = o.pool.string(undefined, { pattern: DNS_LABEL, patternHint: DNS_LABEL_HINT });
    if (pool !== undefined && address === undefined) {
        o.pool.problem("needs address: a pool only says where a pinned address comes from");
    }
    const serviceType = address !== undefined ? "LoadBalancer" : "ClusterIP";
    if (serviceType === "ClusterIP" && o.externalTrafficPolicy.isSet) {
        o.externalTrafficPolicy.problem("needs address: externalTrafficPolicy applies to LoadBalancer Services only, and this gateway is ClusterIP");
    }
    const scaling = parseScaling(o.replicas, o.autoscale, GATEWAYS_DEFAULTS.autoscale);
    const minReplicas = scaling.kind === "fixed" ? scaling.replicas : scaling.min;
    const podDisruptionBudget = o.podDisruptionBudget.boolean(minReplicas >= 2);
    if (podDisruptionBudget && minReplicas < 2) {
        o.podDisruptionBudget.problem(
            "needs at least 2 replicas: with one gateway pod a PodDisruptionBudget (minAvailable 1) blocks every node drain; raise replicas/autoscale.min or set podDisruptionBudget: false",
        );
    }
    const issuer = kind === "external" ? (o.issuer.string(GATEWAYS_DEFAULTS.external.issuer, { oneOf: ["acme", "internal"] }) as "acme" | "internal") : "internal";
    return {
        kind,
        release: d.release,
        gatewayName: d.gatewayName,
        labels: { istio: d.istioLabel, "gateway-type": kind },
        hosts,
        address,
        pool,
        serviceType,
        externalTrafficPolicy: o.externalTrafficPolicy.string(GATEWAYS_DEFAULTS.externalTrafficPolicy, { oneOf: ["Cluster", "Local"] }) as "Cluster" | "Local",
        scaling,
        podDisruptionBudget,
        resources: parseResources(o.resources),
        issuer,
        tlsMode: kind === "external" ? "SIMPLE" : "MUTUAL",
        credentialName: `${d.gatewayName}-tls`,
        values: parseValues(o.values),
    };
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

function parseHosts(f: Field, kind: GatewayKind): string[] {
    if (!f.isSet) {
        f.problem(`required: the hosts the ${kind} gateway serves, e.g. [app.example.com]`);
        return [];
    }
    const seen = new Set<string>();
    return (
        f.list((h) => {
            const host = h.string(undefined);
            if (host === undefined) {
                return undefined;
            }
            if (host === "*" || (kind === "external" && host.includes("*"))) {
                return h.problem(
                    kind === "external"
                        ? `must be an explicit host, not a wildcard (got ${JSON.stringify(host)}): the external gateway would answer for any name pointed at it, and Let's Encrypt HTTP-01 cannot issue wildcard certificates`
                        : `must not be "*": the gateway's certificate needs explicit names; use a domain wildcard such as *.internal.example.com`,
                );
            }
            if (!isDnsName(host, { wildcard: true })) {
                return h.problem(`must be ${HOST_HINT}${kind === "internal" ? " or *.example.com" : ""} (got ${JSON.stringify(host)})`);
            }
            if (seen.has(host)) {
                return h.problem(`duplicates host ${JSON.stringify(host)}`);
            }
            seen.add(host);
            return host;
        }, { minItems: 1 }) ?? []
    );
}
