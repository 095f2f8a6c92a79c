/**
 * The shapes of gateways beyond HTTP (issue 19): TCP and TLS passthrough servers, which only a tcp or tls
 * route of a VirtualService can carry, and egress gateways, which a sidecar route straight to the external
 * host silently bypasses.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { parseGatewayRef } from "../lib/hosts";
import { GK } from "../lib/istio";
import { arr, K8sObject, Obj, ref, str } from "../lib/k8s";
import { stackPolicy } from "../lib/policy";

/** The gateway refs a route applies to: its matches' `gateways`, or all of the VirtualService's when a match names none. */
function routeGateways(vs: K8sObject, route: Obj): string[] {
    const all = arr<string>(vs.spec.gateways).filter((g) => typeof g === "string");
    const bound = all.length > 0 ? all : ["mesh"];
    const matches = arr(route?.match);
    if (matches.length === 0 || matches.some((m) => arr(m?.gateways).length === 0)) return bound;
    return [...new Set(matches.flatMap((m) => arr<string>(m?.gateways)))];
}

function key(r: ReturnType<typeof parseGatewayRef>): string {
    return r.mesh ? "mesh" : `${r.namespace}/${r.name}`;
}

/** A route reaches `port` when one of its matches names no port or that port. */
function routeTakesPort(route: Obj, port: number): boolean {
    const matches = arr(route?.match);
    return matches.length === 0 || matches.some((m) => m?.port === undefined || m.port === port);
}

/** Istio practice: a TCP or TLS-passthrough Gateway server forwards only what a tcp/tls route sends on. */
export function gatewayPortRouted(): StackValidationPolicy {
    return stackPolicy({
        name: "gateway-port-routed",
        description:
            "Checks that every TCP and TLS passthrough server of a Gateway has a VirtualService bound to the Gateway with a tcp (TCP) or tls (passthrough) route for its port.",
        enforcementLevel: "advisory",
        check: (idx, _cfg, report) => {
            const routes = new Map<string, { section: string; route: Obj }[]>();
            for (const vs of idx.of(GK.VirtualService)) {
                for (const section of ["tcp", "tls"]) {
                    for (const route of arr(vs.spec[section])) {
                        for (const g of routeGateways(vs, route)) {
                            const k = key(parseGatewayRef(g, vs.namespace));
                            const list = routes.get(k);
                            if (list) list.push({ section, route });
                            else routes.set(k, [{ section, route }]);
                        }
                    }
                }
            }
            for (const gw of idx.of(GK.Gateway)) {
                if (gw.unknown) continue;
                arr(gw.spec.servers).forEach((s, i) => {
                    const protocol = (str(s?.port?.protocol) ?? "").toUpperCase();
                    const passthrough = protocol === "TLS" && str(s?.tls?.mode) === "PASSTHROUGH";
                    if (protocol !== "TCP" && !passthrough) return;
                    const section = protocol === "TCP" ? "tcp" : "tls";
                    const port = s?.port?.number;
                    const found = (routes.get(`${gw.namespace}/${gw.name}`) ?? []).some((r) => r.section === section && routeTakesPort(r.route, port));
                    if (!found) {
                        report(
                            gw,
                            `${ref(gw)}: spec.servers[${i}] (${passthrough ? "TLS passthrough" : "TCP"} port ${port}) has no VirtualService bound to this Gateway with a ${section} route for port ${port}; the gateway accepts each connection and closes it. Add a VirtualService with gateways [${gw.namespace}/${gw.name}] and a ${section} route matching port ${port}.`,
                        );
                    }
                });
            }
        },
    });
}

/** Istio's egress gateway pattern: the sidecars' route for an external host must lead to the egress gateway. */
export function egressRouteThroughGateway(): StackValidationPolicy {
    return stackPolicy({
        name: "egress-route-through-gateway",
        description:
            "Checks that a VirtualService sending an external (MESH_EXTERNAL ServiceEntry) host out through a Gateway does not also send the mesh's sidecars to that host directly.",
        enforcementLevel: "mandatory",
        check: (idx, _cfg, report) => {
            const external = new Set<string>();
            for (const se of idx.of(GK.ServiceEntry)) {
                if (str(se.spec.location) !== "MESH_EXTERNAL") continue;
                for (const h of arr(se.spec.hosts)) if (typeof h === "string") external.add(h.toLowerCase());
            }
            for (const vs of idx.of(GK.VirtualService)) {
                if (vs.unknown) continue;
                const exits = new Set<string>();
                const meshRoutes: { path: string; hosts: string[] }[] = [];
                for (const section of ["http", "tcp", "tls"]) {
                    arr(vs.spec[section]).forEach((route, i) => {
                        const hosts = arr(route?.route)
                            .map((d) => str(d?.destination?.host)?.toLowerCase())
                            .filter((h): h is string => h !== undefined);
                        const applies = routeGateways(vs, route).map((g) => parseGatewayRef(g, vs.namespace));
                        if (applies.some((g) => !g.mesh)) hosts.filter((h) => external.has(h)).forEach((h) => exits.add(h));
                        if (applies.some((g) => g.mesh)) meshRoutes.push({ path: `spec.${section}[${i}]`, hosts });
                    });
                }
                for (const r of meshRoutes) {
                    for (const h of r.hosts.filter((x) => exits.has(x))) {
                        report(
                            vs,
                            `${ref(vs)}: ${r.path} applies to the mesh and sends sidecars straight to ${h}, which this VirtualService sends out through a gateway; that traffic bypasses the egress gateway and the firewall that trusts only its nodes. Match this route to the gateway (match.gateways) and give the mesh a route to the egress gateway's Service.`,
                        );
                    }
                }
            }
        },
    });
}
