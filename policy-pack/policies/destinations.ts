/** Where VirtualService routes send traffic: hosts and ports that exist and are visible to the route. */
import type { StackValidationPolicy } from "@pulumi/policy";
import { covers, DEFAULT_CLUSTER_DOMAIN, HostMap, isClusterLocal, resolveHost, splitServiceHost } from "../lib/hosts";
import { GK, serviceEntryInvalid, virtualServiceDestinations } from "../lib/istio";
import { arr, K8sObject, ref } from "../lib/k8s";
import { clusterDomainOption, stackPolicy, stringList } from "../lib/policy";
import { StackIndex } from "../lib/stack";
import { consumerNamespaces, describeExport, Exported, exportedTo, visibleInAny } from "../lib/visibility";

/** A ServiceEntry host with what decides whether it counts for a route. */
interface SeHost {
    se: K8sObject;
    exported: Exported;
    invalid?: string;
}

/** ServiceEntry hosts of the stack, resolved, with each entry's visibility and validity. */
export function serviceEntryHosts(idx: StackIndex, domain: string): HostMap<SeHost> {
    return idx.memoize(`se-hosts-visible|${domain}`, () => {
        const m = new HostMap<SeHost>();
        for (const se of idx.of(GK.ServiceEntry)) {
            const entry = { se, exported: exportedTo(idx, se), invalid: serviceEntryInvalid(se.spec) };
            for (const h of arr(se.spec.hosts)) if (typeof h === "string") m.add(resolveHost(h, se.namespace, domain), entry);
        }
        return m;
    });
}

/** Ports a Service or the ServiceEntries over a host declare, or undefined when any port is acceptable. */
function declaredPorts(svc: K8sObject | undefined, entries: SeHost[]): Set<number> | undefined {
    const ports = new Set<number>();
    if (svc) {
        if (svc.spec.type === "ExternalName") return undefined;
        for (const p of arr(svc.spec.ports)) if (typeof p?.port === "number") ports.add(p.port);
    }
    for (const e of entries) {
        // A ServiceEntry without ports accepts traffic on any port.
        if (arr(e.se.spec.ports).length === 0) return undefined;
        for (const p of arr(e.se.spec.ports)) if (typeof p?.number === "number") ports.add(p.number);
    }
    return ports.size > 0 ? ports : undefined;
}

/** IST0101 (ReferencedResourceNotFound) for destination hosts and ports, with exportTo visibility. */
export function virtualServiceDestinationExists(): StackValidationPolicy {
    return stackPolicy<{ clusterDomain: string; externalHosts: string[] }>({
        name: "virtual-service-destination-exists",
        description:
            "Checks that every VirtualService destination host is a Service or valid ServiceEntry visible (exportTo) in the VirtualService's namespace, and that a destination port is one the host declares.",
        enforcementLevel: "advisory",
        configSchema: {
            properties: {
                clusterDomain: clusterDomainOption,
                externalHosts: stringList("Resolved hosts (wildcards allowed) that exist outside the checked resources."),
            },
        },
        check: (idx, cfg, report) => {
            const domain = cfg.clusterDomain || DEFAULT_CLUSTER_DOMAIN;
            if (idx.incomplete(GK.ServiceEntry, ["spec"])) return;
            const seHosts = serviceEntryHosts(idx, domain);
            for (const vs of idx.of(GK.VirtualService)) {
                const consumers = consumerNamespaces(idx, vs);
                for (const d of virtualServiceDestinations(vs.spec)) {
                    const host = resolveHost(d.host, vs.namespace, domain);
                    if (cfg.externalHosts.some((e) => covers(e.toLowerCase(), host))) continue;
                    const all = seHosts.covering(host);
                    const usable = all.filter((e) => !e.invalid && visibleInAny(e.exported, consumers));
                    const svcName = splitServiceHost(host, domain);
                    let svc: K8sObject | undefined;
                    if (svcName) {
                        const found = idx.get(GK.Service, svcName.namespace, svcName.name);
                        if (found && visibleInAny(exportedTo(idx, found), consumers)) svc = found;
                        if (!svc && usable.length === 0) {
                            if (idx.incomplete(GK.Service)) continue;
                            const known = idx.get(GK.Namespace, "", svcName.namespace) || idx.in(GK.Service, svcName.namespace).length > 0;
                            if (found) {
                                report(
                                    vs,
                                    `${ref(vs)}: ${d.path}.host ${host} is ${ref(found)}, which is exported only to ${describeExport(exportedTo(idx, found))} (annotation networking.istio.io/exportTo), not to ${consumers.join(", ")}; proxies there have no cluster for it and requests fail with HTTP 503.`,
                                );
                            } else if (known) {
                                report(
                                    vs,
                                    `${ref(vs)}: ${d.path}.host ${host} matches no Service in namespace ${svcName.namespace} and no ServiceEntry${all.length > 0 ? ` visible in ${consumers.join(", ")}${hidden(all, consumers.join(", "))}` : ""}; the route has no endpoints and requests fail with HTTP 503.`,
                                );
                            }
                            continue;
                        }
                    } else if (usable.length === 0) {
                        if (!host.includes("*") && !isClusterLocal(host, domain)) {
                            report(
                                vs,
                                `${ref(vs)}: ${d.path}.host ${host} is outside the cluster and no ServiceEntry ${all.length > 0 ? `visible in ${consumers.join(", ")} declares it${hidden(all, consumers.join(", "))}` : "declares it"}; Istio has no cluster for it, so requests fail (BlackHole with REGISTRY_ONLY, 503 otherwise). Add a ServiceEntry or list the host in externalHosts.`,
                            );
                        }
                        continue;
                    }
                    if (d.port === undefined || usable.some((e) => e.se.unknown) || svc?.unknown) continue;
                    const ports = declaredPorts(svc, usable);
                    if (ports && !ports.has(d.port)) {
                        report(
                            vs,
                            `${ref(vs)}: ${d.path}.port.number ${d.port} is not a port of ${host} (${[...ports].sort((a, b) => a - b).join(", ")}); Istio builds no cluster for that port, so requests fail with HTTP 503. Route to one of the declared ports.`,
                        );
                    }
                }
            }
        },
    });
}

/** Why the ServiceEntries over a host do not count, for the message. */
function hidden(entries: SeHost[], ns: string): string {
    const why = entries.map((e) =>
        e.invalid ? `${ref(e.se)} is invalid (${e.invalid}) and Istio rejects it` : `${ref(e.se)} is exported only to ${describeExport(e.exported)}, not ${ns}`,
    );
    return why.length > 0 ? ` (${why.slice(0, 3).join("; ")})` : "";
}
