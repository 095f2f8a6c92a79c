/**
 * Gateway API objects (Gateway, HTTPRoute, ReferenceGrant) as pure functions of the typed config: the same
 * `routes` that become Istio VirtualServices, in the form Istio serves with `gatewayClassName: istio`.
 */
import type { LoadBalancer } from "../config/cluster";
import type { GatewayApiGatewayConfig } from "../config/gateway-api";
import type { GatewayConfig } from "../config/gateways";
import { hostCovers } from "../config/ingress";
import type { RouteConfig, RoutePath } from "../config/routes";
import { addressAnnotations } from "./ingress-gateway.values";
import { orderPaths } from "./route";

export const GATEWAY_API_GROUP = "gateway.networking.k8s.io";
export const GATEWAY_API_VERSION = `${GATEWAY_API_GROUP}/v1`;
/** v1.5.1 serves ReferenceGrant as v1 and v1beta1 (its storage version, the one older platform CRDs also serve). */
export const REFERENCE_GRANT_VERSION = `${GATEWAY_API_GROUP}/v1beta1`;
/** Plain HTTP: where clients are redirected to HTTPS. */
export const HTTP_LISTENER = "http";

/** The HTTPS listener of one host: Gateway API listeners carry one hostname each. */
export function httpsListenerName(host: string): string {
    return `https-${host.replace(/^\*\./, "wildcard-").replace(/\./g, "-")}`;
}

export interface KubeGatewayArgs {
    /** The Istio gateway whose hosts and certificate Secret the Gateway API Gateway takes. */
    gateway: GatewayConfig;
    api: GatewayApiGatewayConfig;
    gatewayClassName: string;
    loadBalancer: LoadBalancer;
    /** The pool of `api.address` (resolved against cluster.addressPools). */
    pool?: string;
    /** Namespaces whose HTTPRoutes may attach to the HTTPS listeners (the routes' namespaces). */
    routeNamespaces: string[];
}

/** Only the routes' own namespaces may attach: nobody else can claim the gateway's hosts. */
function allowedRoutes(namespaces: string[]): Record<string, unknown> {
    if (namespaces.length === 0) {
        return { namespaces: { from: "Same" }, kinds: [{ kind: "HTTPRoute" }] };
    }
    return {
        namespaces: {
            from: "Selector",
            selector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: [...new Set(namespaces)].sort() }] },
        },
        kinds: [{ kind: "HTTPRoute" }],
    };
}

/**
 * The Gateway API Gateway: one HTTPS listener per host with the Istio gateway's cert-manager Secret (same
 * namespace, so no ReferenceGrant), port 80 for the HTTPS redirect, and the address pinned twice over:
 * `spec.addresses` (istiod sets it on the Service it deploys) and the load balancer's annotation.
 */
export function kubeGatewaySpec(a: KubeGatewayArgs): Record<string, unknown> {
    const spec: Record<string, unknown> = {
        gatewayClassName: a.gatewayClassName,
        listeners: [
            { name: HTTP_LISTENER, port: 80, protocol: "HTTP", allowedRoutes: { namespaces: { from: "Same" }, kinds: [{ kind: "HTTPRoute" }] } },
            ...a.gateway.hosts.map((host) => ({
                name: httpsListenerName(host),
                hostname: host,
                port: 443,
                protocol: "HTTPS",
                tls: { mode: "Terminate", certificateRefs: [{ group: "", kind: "Secret", name: a.gateway.credentialName }] },
                allowedRoutes: allowedRoutes(a.routeNamespaces),
            })),
        ],
    };
    if (a.api.address) {
        spec.addresses = [{ type: "IPAddress", value: a.api.address }];
        spec.infrastructure = { annotations: addressAnnotations(a.loadBalancer, a.api.address, a.pool) };
    }
    return spec;
}

/** The port-80 route: every request of the gateway's hosts to HTTPS, as the Istio form's redirect does. */
export function redirectRouteSpec(g: GatewayConfig, gatewayName: string): Record<string, unknown> {
    return {
        parentRefs: [{ group: GATEWAY_API_GROUP, kind: "Gateway", name: gatewayName, sectionName: HTTP_LISTENER }],
        hostnames: [...g.hosts],
        rules: [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] }],
    };
}

const CLUSTER_SERVICE = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc\.cluster\.local$/;

/**
 * A path's backend: a Service of the route's namespace, a Service of another (`name.ns.svc.cluster.local`,
 * which needs a ReferenceGrant there), or any other host as Istio's `Hostname` backend kind.
 */
export function backendRef(p: RoutePath, namespace: string): Record<string, unknown> {
    const port = p.port === undefined ? {} : { port: p.port };
    if (!p.service.includes(".")) {
        return { name: p.service, ...port };
    }
    const m = CLUSTER_SERVICE.exec(p.service);
    if (m) {
        return m[3] === namespace ? { name: m[1], ...port } : { name: m[1], namespace: m[3], ...port };
    }
    return { group: "networking.istio.io", kind: "Hostname", name: p.service, ...port };
}

/** The Services of other namespaces a route sends to, by namespace: each needs a ReferenceGrant there. */
export function crossNamespaceServices(route: RouteConfig): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const p of route.paths) {
        const ref = backendRef(p, route.namespace);
        if (typeof ref.namespace === "string" && ref.kind === undefined) {
            const list = (out[ref.namespace] ??= []);
            if (!list.includes(ref.name as string)) list.push(ref.name as string);
        }
    }
    return out;
}

/** The HTTPRoute of a route, attached to the HTTPS listeners of its hosts; paths most specific first. */
export function httpRouteSpec(route: RouteConfig, g: GatewayConfig, gateway: { name: string; namespace: string }): Record<string, unknown> {
    const listeners = g.hosts.filter((h) => route.hosts.some((rh) => hostCovers(h, rh)));
    return {
        parentRefs: listeners.map((h) => ({
            group: GATEWAY_API_GROUP,
            kind: "Gateway",
            name: gateway.name,
            namespace: gateway.namespace,
            sectionName: httpsListenerName(h),
        })),
        hostnames: [...route.hosts],
        rules: orderPaths(route.paths).map((p) => ({
            matches: [{ path: { type: p.match === "prefix" ? "PathPrefix" : "Exact", value: p.path } }],
            backendRefs: [backendRef(p, route.namespace)],
        })),
    };
}

/** The ReferenceGrant that lets the route's HTTPRoute send to Services of `namespace`. */
export function referenceGrantSpec(route: RouteConfig, services: string[]): Record<string, unknown> {
    return {
        from: [{ group: GATEWAY_API_GROUP, kind: "HTTPRoute", namespace: route.namespace }],
        to: services.map((name) => ({ group: "", kind: "Service", name })),
    };
}
