/**
 * The ingress area's sections (`cluster`, `gateways`, `certificates`, `routes`), the checks that need
 * more than one of them, and the gateways' identities for other areas' authorization rules.
 */
import { ClusterConfig, parseCluster, poolContaining } from "./cluster";
import { CertificatesConfig, parseCertificates } from "./certificates";
import { GatewayConfig, GatewaysConfig, parseGateways } from "./gateways";
import { parseIp } from "../domain/ip";
import { parseRoutes, RouteConfig } from "./routes";

export { parseCluster, parseCertificates, parseGateways, parseRoutes };
export type { CertificatesConfig, ClusterConfig, GatewayConfig, GatewaysConfig, RouteConfig };

/** The slice of the mesh config the ingress checks read. */
export interface IngressSections {
    istio: { namespace: string };
    externalServices: Readonly<Record<string, { gateway?: string; originateTls?: unknown; ports: readonly { number: number; protocol: string }[] }>>;
    cluster: ClusterConfig;
    gateways: GatewaysConfig;
    certificates: CertificatesConfig;
    routes: RouteConfig[];
}

type Report = (key: string, message: string) => void;

export function gatewaysOf(gateways: GatewaysConfig): GatewayConfig[] {
    return Object.values(gateways.byName);
}

/** Each pinned address lies in a declared pool (the named one, when named) and is not the control-plane VIP. */
export function checkGatewayAddresses(c: IngressSections, report: Report): void {
    const vip = c.cluster.controlPlaneVip ? parseIp(c.cluster.controlPlaneVip) : undefined;
    for (const g of gatewaysOf(c.gateways)) {
        const ip = g.address ? parseIp(g.address) : undefined;
        if (!ip) {
            continue;
        }
        const key = `gateways.${g.name}.address`;
        if (vip && vip.family === ip.family && vip.value === ip.value) {
            report(
                key,
                `${g.address} is cluster.controlPlaneVip, kube-vip's address for the API server: a Service on it would take the API server's traffic; pick an address from an address pool`,
            );
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
                `gateways.${g.name}.pool`,
                named
                    ? `${g.address} is in pool ${pool.name}, not ${g.pool}: the load balancer would refuse it; set pool: ${pool.name} or pick an address from ${g.pool}`
                    : `no address pool is named ${JSON.stringify(g.pool)}; declared pools: ${c.cluster.addressPools.map((p) => p.name).join(", ")}`,
            );
        }
    }
}

/** A gateway signed by ACME needs the ACME account settings. */
export function checkGatewayIssuers(c: IngressSections, report: Report): void {
    if (c.gateways.byName.external?.issuer === "acme" && !c.certificates.acme) {
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

/** Each route names a configured ingress gateway with an HTTP or HTTPS port, and only hosts that gateway serves. */
export function checkRoutes(c: IngressSections, report: Report): void {
    for (const route of c.routes) {
        const gateway = c.gateways.byName[route.gateway];
        const key = `routes.${route.name}`;
        if (!gateway) {
            const configured = gatewaysOf(c.gateways).map((g) => g.name);
            report(
                `${key}.gateway`,
                `the ${route.gateway} gateway does not exist: gateways.${route.gateway} is not configured${configured.length > 0 ? `; configured: ${configured.join(", ")}` : ""}`,
            );
            continue;
        }
        if (gateway.kind === "egress" || !gateway.ports.some((p) => p.protocol === "HTTP" || p.protocol === "HTTPS")) {
            report(
                `${key}.gateway`,
                gateway.kind === "egress"
                    ? `${route.gateway} is an egress gateway: routes publish services through an ingress gateway; pick one of ${ingressNames(c).join(", ") || "none"}`
                    : `the ${route.gateway} gateway has no HTTP or HTTPS port: routes match hosts and paths, which its TCP and TLS passthrough ports do not carry`,
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

function ingressNames(c: IngressSections): string[] {
    return gatewaysOf(c.gateways)
        .filter((g) => g.kind === "ingress")
        .map((g) => g.name);
}

/**
 * An external service routed through a gateway (`externalServices.<name>.gateway`) names an egress
 * gateway, and has what the egress gateway can carry: TLS ports it passes through by SNI, or TLS
 * origination, which the egress gateway then does.
 */
export function checkEgressRoutes(c: IngressSections, report: Report): void {
    const egress = gatewaysOf(c.gateways)
        .filter((x) => x.kind === "egress")
        .map((x) => x.name);
    for (const [name, s] of Object.entries(c.externalServices)) {
        if (s.gateway === undefined) {
            continue;
        }
        const key = `externalServices.${name}.gateway`;
        const g = c.gateways.byName[s.gateway];
        if (!g) {
            report(
                key,
                `no gateway is named ${s.gateway}: configure gateways.${s.gateway} with kind: egress${egress.length > 0 ? `, or pick one of ${egress.join(", ")}` : ""}`,
            );
        } else if (g.kind !== "egress") {
            report(
                key,
                `${s.gateway} is an ingress gateway: outbound traffic leaves through an egress gateway (kind: egress); ${egress.length > 0 ? `pick one of ${egress.join(", ")}` : "configure one under istio-mesh:gateways"}`,
            );
        } else if (!s.originateTls && !s.ports.some((p) => p.protocol === "TLS" || p.protocol === "HTTPS")) {
            report(key, "an egress gateway carries TLS (passed through by SNI) or originates TLS: give the service a TLS port or originateTls");
        }
    }
}

/**
 * The gateways' namespaces may be the control plane's (`istio-system`, as in seed 001): the gateway chart
 * labels its pods for injection (`sidecar.istio.io/inject`, `istio.io/rev`), so the namespace needs no
 * label, and the program reuses the control plane's namespace rather than creating it twice.
 */
export const INGRESS_CROSS_CHECKS = [checkGatewayAddresses, checkGatewayIssuers, checkRoutes, checkEgressRoutes];

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
 * The configured gateways' identities by name, for "allow the ingress gateway" rules:
 * principal `<trustDomain>/ns/<namespace>/sa/<serviceAccount>`. Pure.
 */
export function gatewayIdentities(gateways: GatewaysConfig): Record<string, GatewayIdentity> {
    const out: Record<string, GatewayIdentity> = {};
    for (const g of gatewaysOf(gateways)) {
        out[g.name] = {
            namespace: g.namespace,
            serviceAccount: g.release,
            gateway: `${g.namespace}/${g.gatewayName}`,
            hosts: [...g.hosts],
        };
    }
    return out;
}
