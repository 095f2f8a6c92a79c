/**
 * The ingress area's sections (`cluster`, `gateways`, `certificates`, `routes`), the checks that need
 * more than one of them, and the gateways' identities for other areas' authorization rules.
 */
import { ClusterConfig, parseCluster, poolContaining } from "./cluster";
import { CertificatesConfig, parseCertificates } from "./certificates";
import { GatewayConfig, GatewayKind, GatewaysConfig, parseGateways } from "./gateways";
import { parseIp } from "../domain/ip";
import { parseRoutes, RouteConfig } from "./routes";

export { parseCluster, parseCertificates, parseGateways, parseRoutes };
export type { CertificatesConfig, ClusterConfig, GatewayConfig, GatewaysConfig, RouteConfig };

/** The slice of the mesh config the ingress checks read. */
export interface IngressSections {
    istio: { namespace: string };
    cluster: ClusterConfig;
    gateways: GatewaysConfig;
    certificates: CertificatesConfig;
    routes: RouteConfig[];
}

type Report = (key: string, message: string) => void;

export function gatewaysOf(gateways: GatewaysConfig): GatewayConfig[] {
    return [gateways.external, gateways.internal].filter((g): g is GatewayConfig => g !== undefined);
}

/** Each pinned address lies in a declared pool (the named one, when named) and is not the control-plane VIP. */
export function checkGatewayAddresses(c: IngressSections, report: Report): void {
    const vip = c.cluster.controlPlaneVip ? parseIp(c.cluster.controlPlaneVip) : undefined;
    for (const g of gatewaysOf(c.gateways)) {
        const ip = g.address ? parseIp(g.address) : undefined;
        if (!ip) {
            continue;
        }
        const key = `gateways.${g.kind}.address`;
        if (vip && vip.family === ip.family && vip.value === ip.value) {
            report(key, `${g.address} is cluster.controlPlaneVip, kube-vip's address for the API server: a Service on it would take the API server's traffic; pick an address from an address pool`);
            continue;
        }
        const pool = poolContaining(c.cluster, ip);
        const names = c.cluster.addressPools.map((p) => `${p.name} (${p.addresses.join(", ")})`).join("; ");
        if (!pool) {
            report(
                key,
                names
                    ? `${g.address} is outside every address pool: ${names}; use an address from a pool or add it to cluster.addressPools`
                    : `${g.address} is outside every address pool: cluster.addressPools declares none; declare the pool the load balancer assigns it from`,
            );
            continue;
        }
        if (g.pool !== undefined && g.pool !== pool.name) {
            const named = c.cluster.addressPools.find((p) => p.name === g.pool);
            report(
                `gateways.${g.kind}.pool`,
                named
                    ? `${g.address} is in pool ${pool.name}, not ${g.pool}: the load balancer would refuse it; set pool: ${pool.name} or pick an address from ${g.pool}`
                    : `no address pool is named ${JSON.stringify(g.pool)}; declared pools: ${c.cluster.addressPools.map((p) => p.name).join(", ")}`,
            );
        }
    }
}

/** A gateway signed by ACME needs the ACME account settings. */
export function checkGatewayIssuers(c: IngressSections, report: Report): void {
    if (c.gateways.external?.issuer === "acme" && !c.certificates.acme) {
        report(
            "gateways.external.issuer",
            "is acme (the default), but certificates.acme is not set: add certificates.acme.email (and environment), or set issuer: internal",
        );
    }
}

/**
 * Does a gateway host (`app.example.com`, `*.example.com`) cover `host` for TLS? The gateway's certificate
 * carries its hosts as dnsNames, and a certificate wildcard covers exactly one label (RFC 6125), so
 * `*.example.com` covers `a.example.com` but not `a.b.example.com`.
 */
export function hostCovers(pattern: string, host: string): boolean {
    if (pattern === host) {
        return true;
    }
    const dot = host.indexOf(".");
    return pattern.startsWith("*.") && dot > 0 && !host.startsWith("*") && host.slice(dot) === pattern.slice(1);
}

/** Each route names a configured gateway and only hosts that gateway serves. */
export function checkRoutes(c: IngressSections, report: Report): void {
    for (const route of c.routes) {
        const gateway = c.gateways[route.gateway];
        const key = `routes.${route.name}`;
        if (!gateway) {
            const configured = gatewaysOf(c.gateways).map((g) => g.kind);
            report(
                `${key}.gateway`,
                `the ${route.gateway} gateway does not exist: gateways.${route.gateway} is not configured${configured.length > 0 ? `; configured: ${configured.join(", ")}` : ""}`,
            );
            continue;
        }
        route.hosts.forEach((host, i) => {
            if (!gateway.hosts.some((pattern) => hostCovers(pattern, host))) {
                report(
                    `${key}.hosts[${i}]`,
                    `${host} is not served by the ${route.gateway} gateway (hosts: ${gateway.hosts.join(", ")}): add it to gateways.${route.gateway}.hosts so its certificate covers it`,
                );
            }
        });
    }
}

/**
 * The control plane owns its namespace; gateways get their own, enrolled for injection. (The mesh area
 * refuses the gateways' namespace under `namespaces`, so it is created once, here.)
 */
export function checkGatewayNamespace(c: IngressSections, report: Report): void {
    if (gatewaysOf(c.gateways).length > 0 && c.gateways.namespace === c.istio.namespace) {
        report(
            "gateways.namespace",
            `must differ from istio.namespace (${c.istio.namespace}): the control plane owns that namespace, and gateways get their own, enrolled for sidecar injection`,
        );
    }
}

export const INGRESS_CROSS_CHECKS = [checkGatewayNamespace, checkGatewayAddresses, checkGatewayIssuers, checkRoutes];

/** How other areas refer to a gateway: its workload identity and its Gateway resource. */
export interface GatewayIdentity {
    namespace: string;
    /** The gateway pods' ServiceAccount (the helm release name). */
    serviceAccount: string;
    /** The Istio Gateway resource as `namespace/name`, the form VirtualServices bind with. */
    gateway: string;
    hosts: string[];
}

/**
 * The configured gateways' identities, for "allow the ingress gateway" rules:
 * principal `<trustDomain>/ns/<namespace>/sa/<serviceAccount>`. Pure.
 */
export function gatewayIdentities(gateways: GatewaysConfig): Partial<Record<GatewayKind, GatewayIdentity>> {
    const out: Partial<Record<GatewayKind, GatewayIdentity>> = {};
    for (const g of gatewaysOf(gateways)) {
        out[g.kind] = {
            namespace: gateways.namespace,
            serviceAccount: g.release,
            gateway: `${gateways.namespace}/${g.gatewayName}`,
            hosts: [...g.hosts],
        };
    }
    return out;
}
