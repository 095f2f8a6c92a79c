/**
 * Istio's egress gateway pattern (istio.io: "Egress Gateways", "Egress Gateways with TLS Origination"), as
 * pure functions: the egress gateway's Gateway servers; per external service, a VirtualService that sends
 * the mesh's traffic for the host to the egress gateway and the gateway's traffic on to the host; and, for
 * TLS origination, the DestinationRules that carry the hop from sidecar to gateway in mutual TLS and let
 * the gateway (not the sidecar) open TLS to the host.
 */
import type { GatewayConfig } from "../config/gateways";
import type { ExternalServiceConfig } from "../config/mesh";
import { originationTls } from "./external-service";
import type { GatewayServer } from "./ingress-gateway.values";

/** The egress gateway's ports: plain HTTP from sidecars arrives in mutual TLS on 80, TLS passes through on 443. */
export const EGRESS_PORTS = { originate: 80, passthrough: 443 } as const;

function passthroughHosts(services: Readonly<Record<string, ExternalServiceConfig>>): string[] {
    return Object.values(services)
        .filter((s) => !s.originateTls)
        .flatMap((s) => s.hosts);
}

function originatedHosts(services: Readonly<Record<string, ExternalServiceConfig>>): string[] {
    return Object.values(services)
        .filter((s) => s.originateTls)
        .flatMap((s) => s.hosts);
}

/** One server per egress path, listing every host routed through it (SNI picks the host on 443). */
export function egressServers(services: Readonly<Record<string, ExternalServiceConfig>>): GatewayServer[] {
    const paths: GatewayServer[] = [
        {
            port: { number: EGRESS_PORTS.originate, name: "https-originate", protocol: "HTTPS" },
            hosts: originatedHosts(services),
            tls: { mode: "ISTIO_MUTUAL" },
        },
        {
            port: { number: EGRESS_PORTS.passthrough, name: "tls-passthrough", protocol: "TLS" },
            hosts: passthroughHosts(services),
            tls: { mode: "PASSTHROUGH" },
        },
    ];
    return paths.filter((s) => s.hosts.length > 0);
}

export interface EgressRef {
    /** The egress Gateway as `namespace/name`. */
    gateway: string;
    /** The egress gateway's Service, fully qualified. */
    serviceHost: string;
}

/**
 * The VirtualService of one external service routed through the egress gateway: from `mesh` (every
 * sidecar) to the egress gateway, and from the egress gateway to the host. Bound to both, so no sidecar
 * route leaves the mesh directly.
 */
export function egressRouteSpec(s: ExternalServiceConfig, ref: EgressRef): Record<string, unknown> {
    const toGateway = (port: number) => [{ destination: { host: ref.serviceHost, port: { number: port } } }];
    const toHost = (host: string, port: number) => [{ destination: { host, port: { number: port } } }];
    const spec: Record<string, unknown> = { hosts: [...s.hosts], gateways: ["mesh", ref.gateway] };
    const t = s.originateTls;
    if (t) {
        spec.http = [
            { name: "mesh-to-egress", match: [{ gateways: ["mesh"], port: t.port }], route: toGateway(EGRESS_PORTS.originate) },
            { name: "egress-to-host", match: [{ gateways: [ref.gateway], port: EGRESS_PORTS.originate }], route: toHost(s.hosts[0], t.targetPort) },
        ];
        return spec;
    }
    const tls = s.ports.filter((p) => p.protocol === "TLS" || p.protocol === "HTTPS");
    spec.tls = s.hosts.flatMap((host) => [
        ...tls.map((p) => ({ match: [{ gateways: ["mesh"], port: p.number, sniHosts: [host] }], route: toGateway(EGRESS_PORTS.passthrough) })),
        { match: [{ gateways: [ref.gateway], port: EGRESS_PORTS.passthrough, sniHosts: [host] }], route: toHost(host, tls[0]?.number ?? 443) },
    ]);
    return spec;
}

/** Sidecars reach the egress gateway's origination port in Istio mutual TLS, naming the host by SNI. */
export function egressGatewayRuleSpec(g: Pick<GatewayConfig, "release" | "namespace">): Record<string, unknown> {
    return {
        host: `${g.release}.${g.namespace}.svc.cluster.local`,
        trafficPolicy: { portLevelSettings: [{ port: { number: EGRESS_PORTS.originate }, tls: { mode: "ISTIO_MUTUAL" } }] },
    };
}

/**
 * TLS origination at the egress gateway: the host's DestinationRule, visible only in the gateway's
 * namespace (`exportTo: ["."]`), so sidecars never originate TLS themselves.
 */
export function egressOriginationRuleSpec(s: ExternalServiceConfig): Record<string, unknown> | undefined {
    const t = s.originateTls;
    return t && { host: s.hosts[0], exportTo: ["."], trafficPolicy: { portLevelSettings: [{ port: { number: t.targetPort }, tls: originationTls(t) }] } };
}
