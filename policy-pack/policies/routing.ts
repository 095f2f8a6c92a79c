/** VirtualService routing: weights, subsets, gateway bindings, host conflicts. */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { covers, DEFAULT_CLUSTER_DOMAIN, HostMap, isClusterLocal, parseGatewayRef, parseServerHost, resolveHost, serverHostAdmits } from "../lib/hosts";
import { boundToMesh, GK, virtualServiceDestinations, virtualServiceGatewayRefs } from "../lib/istio";
import { arr, K8sObject, Obj, ref, str } from "../lib/k8s";
import { clusterDomainOption, objectPolicy, stackPolicy, stringList } from "../lib/policy";
import { httpMatchCovers, l4MatchCovers } from "../lib/matches";
import { StackIndex } from "../lib/stack";
import { consumerNamespaces, describeExport, Exported, exportedTo, sharesNamespace, visibleInAny } from "../lib/visibility";

/** Istio traffic-management practice: weights read as percentages. */
export function virtualServiceRouteWeights(): ResourceValidationPolicy {
    return objectPolicy({
        name: "virtual-service-route-weights",
        description:
            "Checks that the destination weights of every VirtualService http, tcp and tls route sum to 100 (a single destination may omit its weight).",
        enforcementLevel: "mandatory",
        kinds: [GK.VirtualService],
        check: (o, _cfg, report) => {
            for (const section of ["http", "tcp", "tls"]) {
                arr(o.spec[section]).forEach((r, i) => {
                    const route = arr(r?.route);
                    if (route.length < 2) return;
                    const missing = route.map((d, j) => (typeof d?.weight === "number" ? -1 : j)).filter((j) => j >= 0);
                    const sum = route.reduce((s, d) => s + (typeof d?.weight === "number" ? d.weight : 0), 0);
                    if (missing.length > 0) {
                        report(
                            `${ref(o)}: spec.${section}[${i}].route[${missing.join(",")}] has no weight while the route has ${route.length} destinations; a missing weight counts as 0, so that destination receives no traffic. Give every destination a weight, summing to 100.`,
                        );
                    } else if (sum !== 100) {
                        report(
                            `${ref(o)}: spec.${section}[${i}].route weights sum to ${sum}, not 100; Istio serves each destination weight/${sum} of the requests, so the split differs from the percentages written here.`,
                        );
                    }
                });
            }
        },
    });
}

interface SubsetIndexEntry {
    dr: K8sObject;
    host: string;
    exported: Exported;
}

function destinationRulesByHost(idx: StackIndex, domain: string): HostMap<SubsetIndexEntry> {
    return idx.memoize(`dr-by-host|${domain}`, () => {
        const m = new HostMap<SubsetIndexEntry>();
        for (const dr of idx.of(GK.DestinationRule)) {
            const h = str(dr.spec.host);
            if (h) {
                const host = resolveHost(h, dr.namespace, domain);
                m.add(host, { dr, host, exported: exportedTo(idx, dr) });
            }
        }
        return m;
    });
}

/** IST0101 (ReferencedResourceNotFound) for subsets, with Istio's choice of the most specific DestinationRule. */
export function virtualServiceSubsetDefined(): StackValidationPolicy {
    return stackPolicy<{ clusterDomain: string; externalDestinationRuleHosts: string[] }>({
        name: "virtual-service-subset-defined",
        description: "Checks that every subset a VirtualService routes to is defined by the DestinationRule Istio applies to that host.",
        enforcementLevel: "mandatory",
        configSchema: {
            properties: {
                clusterDomain: clusterDomainOption,
                externalDestinationRuleHosts: stringList(
                    "Resolved hosts (wildcards allowed) whose DestinationRules another team or stack owns; subsets of these hosts are not checked.",
                ),
            },
        },
        check: (idx, cfg, report) => {
            const domain = cfg.clusterDomain || DEFAULT_CLUSTER_DOMAIN;
            if (idx.incomplete(GK.DestinationRule, ["spec.host", "spec.subsets"])) return;
            const byHost = destinationRulesByHost(idx, domain);
            for (const vs of idx.of(GK.VirtualService)) {
                let seen: string[] | undefined;
                const consumers = () => (seen ??= consumerNamespaces(idx, vs));
                for (const d of virtualServiceDestinations(vs.spec)) {
                    if (!d.subset) continue;
                    const host = resolveHost(d.host, vs.namespace, domain);
                    if (cfg.externalDestinationRuleHosts.some((e) => covers(e.toLowerCase(), host))) continue;
                    // A DestinationRule applies only where it is exported (exportTo, or the mesh default).
                    const candidates = byHost.covering(host).filter((c) => visibleInAny(c.exported, consumers()));
                    if (candidates.some((c) => c.dr.unknown)) continue;
                    if (candidates.length === 0) {
                        const hiddenDr = byHost.covering(host)[0];
                        const note = hiddenDr
                            ? ` visible in namespace ${consumers().join(", ")} (${ref(hiddenDr.dr)} is exported only to ${describeExport(hiddenDr.exported)})`
                            : "";
                        report(
                            vs,
                            `${ref(vs)}: ${d.path}.subset "${d.subset}" has no DestinationRule for host ${host}${note}; the subset is undefined, so requests routed there fail with HTTP 503 (no healthy upstream).`,
                        );
                        continue;
                    }
                    // Istio applies only the DestinationRules with the most specific matching host.
                    const chosen = candidates.filter((c) => c.host === candidates[0].host);
                    const defines = (c: SubsetIndexEntry) => arr(c.dr.spec.subsets).some((s) => s?.name === d.subset);
                    if (chosen.some(defines)) continue;
                    const elsewhere = candidates.find(defines);
                    const used = chosen.map((c) => ref(c.dr)).join(", ");
                    report(
                        vs,
                        elsewhere
                            ? `${ref(vs)}: ${d.path}.subset "${d.subset}" is defined only by ${ref(elsewhere.dr)} for ${elsewhere.host}, but Istio applies ${used} (host ${chosen[0].host}, more specific) to ${host}, which lacks it; requests routed there fail with HTTP 503.`
                            : `${ref(vs)}: ${d.path}.subset "${d.subset}" is not defined by ${used}, the DestinationRule for host ${host}; requests routed there fail with HTTP 503 (no healthy upstream).`,
                    );
                }
            }
        },
    });
}

function externalMatch(entries: string[], ns: string, name: string): boolean {
    return entries.some((e) => e === `${ns}/${name}` || e === `${ns}/*`);
}

/** IST0101 for gateways, with an explicit list of Gateways owned elsewhere. */
export function virtualServiceGatewayExists(): StackValidationPolicy {
    return stackPolicy<{ externalGateways: string[]; assumeExternalExists: boolean }>({
        name: "virtual-service-gateway-exists",
        description:
            "Checks that every Gateway a VirtualService binds to (namespace/name, name, or in route matches) is among the checked resources or declared external.",
        enforcementLevel: "mandatory",
        configSchema: {
            properties: {
                externalGateways: stringList("Gateways owned by another team or stack, as namespace/name or namespace/* ."),
                assumeExternalExists: {
                    type: "boolean",
                    default: false,
                    description:
                        "Assume that a Gateway exists when its namespace has no Gateway among the checked resources (that namespace is managed elsewhere).",
                },
            },
        },
        check: (idx, cfg, report) => {
            if (idx.incomplete(GK.Gateway)) return;
            for (const vs of idx.of(GK.VirtualService)) {
                for (const g of virtualServiceGatewayRefs(vs.spec)) {
                    const r = parseGatewayRef(g.ref, vs.namespace);
                    if (r.mesh) continue;
                    if (idx.get(GK.Gateway, r.namespace, r.name) || idx.get(GK.KubeGateway, r.namespace, r.name)) continue;
                    if (externalMatch(cfg.externalGateways, r.namespace, r.name)) continue;
                    if (cfg.assumeExternalExists && idx.in(GK.Gateway, r.namespace).length === 0) continue;
                    report(
                        vs,
                        `${ref(vs)}: ${g.path} refers to Gateway ${r.namespace}/${r.name}, which is not among the checked resources; the routes bound to it are never served. Declare the Gateway, fix the reference, or list it in externalGateways if another team owns it.`,
                    );
                }
            }
        },
    });
}

/** IST0109 ConflictingMeshGatewayVirtualServiceHosts. */
export function meshVirtualServiceHostConflict(): StackValidationPolicy {
    return stackPolicy<{ clusterDomain: string }>({
        name: "mesh-virtual-service-host-conflict",
        description: "Checks that no two VirtualServices bound to the mesh (sidecars) define the same host.",
        enforcementLevel: "mandatory",
        configSchema: { properties: { clusterDomain: clusterDomainOption } },
        check: (idx, cfg, report) => {
            const domain = cfg.clusterDomain || DEFAULT_CLUSTER_DOMAIN;
            // Two mesh VirtualServices conflict only where both are visible: exportTo scopes them (IST0109).
            const byHost = new Map<string, { vs: K8sObject; exported: Exported }[]>();
            for (const vs of idx.of(GK.VirtualService)) {
                if (vs.unknown || !boundToMesh(vs.spec)) continue;
                const exported = exportedTo(idx, vs);
                const seen = new Set<string>();
                for (const h of arr(vs.spec.hosts)) {
                    if (typeof h !== "string") continue;
                    const host = resolveHost(h, vs.namespace, domain);
                    if (seen.has(host)) continue;
                    seen.add(host);
                    const list = byHost.get(host);
                    if (list) list.push({ vs, exported });
                    else byHost.set(host, [{ vs, exported }]);
                }
            }
            for (const [host, list] of byHost) {
                if (list.length < 2) continue;
                for (const a of list) {
                    const others = list.filter((b) => b !== a && sharesNamespace(a.exported, b.exported)).map((b) => ref(b.vs));
                    if (others.length === 0) continue;
                    const shown = others.length > 3 ? `${others.slice(0, 3).join(", ")} and ${others.length - 3} more` : others.join(", ");
                    report(
                        a.vs,
                        `${ref(a.vs)}: host ${host} is also defined for the mesh by ${shown}; sidecars do not merge mesh VirtualServices, so only one of them takes effect and the other routes are silently ignored. Merge them into one VirtualService.`,
                    );
                }
            }
        },
    });
}

/** IST0132 VirtualServiceHostNotFoundInGateway. */
export function virtualServiceHostInGateway(): StackValidationPolicy {
    return stackPolicy<{ clusterDomain: string }>({
        name: "virtual-service-host-in-gateway",
        description:
            "Checks that each host of a VirtualService bound to a Gateway is accepted by one of that Gateway's servers (hosts and namespace restriction).",
        enforcementLevel: "advisory",
        configSchema: { properties: { clusterDomain: clusterDomainOption } },
        check: (idx, cfg, report) => {
            const domain = cfg.clusterDomain || DEFAULT_CLUSTER_DOMAIN;
            for (const vs of idx.of(GK.VirtualService)) {
                arr(vs.spec.gateways).forEach((g, i) => {
                    if (typeof g !== "string") return;
                    const r = parseGatewayRef(g, vs.namespace);
                    if (r.mesh) return;
                    const gw = idx.get(GK.Gateway, r.namespace, r.name);
                    if (!gw || gw.unknown) return;
                    const serverHosts = arr(gw.spec.servers)
                        .flatMap((s) => arr<string>(s?.hosts))
                        .filter((h) => typeof h === "string")
                        .map((h) => parseServerHost(h, gw.namespace));
                    const alsoMesh = boundToMesh(vs.spec);
                    for (const h of arr(vs.spec.hosts)) {
                        if (typeof h !== "string") continue;
                        const host = resolveHost(h, vs.namespace, domain);
                        // A cluster host of a VirtualService also bound to the mesh is there for the sidecars.
                        if (alsoMesh && isClusterLocal(host, domain)) continue;
                        if (serverHosts.some((sh) => serverHostAdmits(sh, vs.namespace, host))) continue;
                        report(
                            vs,
                            `${ref(vs)}: host ${host} (spec.gateways[${i}] ${r.namespace}/${r.name}) is not accepted by any server of ${ref(gw)} for namespace ${vs.namespace}; the gateway never routes this host to these rules.`,
                        );
                    }
                });
            }
        },
    });
}

/** IST0130 VirtualServiceUnreachableRule, IST0131 VirtualServiceIneffectiveMatch. */
export function virtualServiceUnreachableRoutes(): ResourceValidationPolicy {
    return objectPolicy({
        name: "virtual-service-unreachable-routes",
        description:
            "Checks that no VirtualService http, tcp or tls route or match is unreachable: behind a route without match, repeating an earlier match, or inside an earlier broader one (prefix /api before /api/v1).",
        enforcementLevel: "advisory",
        kinds: [GK.VirtualService],
        check: (o, _cfg, report) => {
            for (const section of ["http", "tcp", "tls"]) {
                const routes = arr(o.spec[section]);
                const coversFn = section === "http" ? httpMatchCovers : l4MatchCovers;
                const seen = new Map<string, number>();
                const earlier: { m: Obj; at: string }[] = [];
                for (let i = 0; i < routes.length; i++) {
                    const matches = arr(routes[i]?.match);
                    if (matches.length === 0) {
                        if (i < routes.length - 1) {
                            const later =
                                i + 1 === routes.length - 1
                                    ? `spec.${section}[${i + 1}] never applies`
                                    : `spec.${section}[${i + 1}..${routes.length - 1}] never apply`;
                            report(`${ref(o)}: spec.${section}[${i}] has no match, so it takes every request and ${later}. Move the catch-all route last.`);
                        }
                        break;
                    }
                    const key = JSON.stringify(
                        matches.map((m) => {
                            const { name: _n, ...rest } = m ?? {};
                            return rest;
                        }),
                    );
                    const same = seen.get(key);
                    if (same !== undefined) {
                        report(
                            `${ref(o)}: spec.${section}[${i}].match repeats spec.${section}[${same}].match, so the earlier route always wins and this one never applies.`,
                        );
                    } else {
                        seen.set(key, i);
                    }
                    const shadowed = matches.map((m) => earlier.find((e) => coversFn(e.m, m ?? {})));
                    shadowed.forEach((by, k) => {
                        if (!by) return;
                        const whole =
                            same !== undefined
                                ? ""
                                : shadowed.every((x) => x)
                                  ? matches.length === 1
                                      ? ", so the route never applies"
                                      : "; no match of the route can apply"
                                  : "";
                        report(
                            `${ref(o)}: spec.${section}[${i}].match[${k}] is covered by ${by.at}, an earlier match that takes all its requests${whole}. Order the more specific match first.`,
                        );
                    });
                    matches.forEach((m, k) => earlier.push({ m: m ?? {}, at: `spec.${section}[${i}].match[${k}]` }));
                }
            }
        },
    });
}

const PROTOCOL_PREFIXES = ["http", "http2", "https", "grpc", "grpc-web", "tcp", "tls", "udp", "mongo", "mysql", "redis"];

/** The proxy's own health and telemetry ports (the gateway chart's `status-port`): never application traffic. */
const PROXY_PORTS = new Set([15020, 15021, 15090]);

/** IST0118 PortNameIsNotUnderNamingConvention. */
export function servicePortProtocol(): ResourceValidationPolicy {
    return objectPolicy<{ exemptNamespaces: string[] }>({
        name: "service-port-protocol",
        description: "Checks that Service ports declare their protocol by name prefix (http-, grpc-, tcp-, ...) or appProtocol.",
        enforcementLevel: "advisory",
        configSchema: {
            properties: {
                exemptNamespaces: stringList("Namespaces outside the mesh.", ["kube-system", "kube-public", "kube-node-lease", "metallb-system"]),
            },
        },
        kinds: [GK.Service],
        check: (o, cfg, report) => {
            if (cfg.exemptNamespaces.includes(o.namespace) || o.spec.type === "ExternalName") return;
            arr(o.spec.ports).forEach((p, i) => {
                if (str(p?.appProtocol) || PROXY_PORTS.has(Number(p?.targetPort ?? p?.port))) return;
                const name = (str(p?.name) ?? "").toLowerCase();
                if (PROTOCOL_PREFIXES.some((pre) => name === pre || name.startsWith(pre + "-"))) return;
                if (p?.protocol === "UDP" || p?.protocol === "SCTP") return;
                report(
                    `${ref(o)}: spec.ports[${i}] (${name ? `name "${name}"` : "unnamed"}, port ${p?.port}) declares no protocol by name prefix or appProtocol; Istio falls back to protocol sniffing, which adds latency and treats server-first protocols as plain TCP.`,
                );
            });
        },
    });
}
