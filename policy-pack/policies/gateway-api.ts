/** Gateway API (Gateway, HTTPRoute, ReferenceGrant), as Istio implements it, and the platform's reserved addresses. */
import type { StackValidationPolicy } from "@pulumi/policy";
import { intersects } from "../lib/hosts";
import { GK } from "../lib/istio";
import { inRange, IpRange, parseAddressOrRange, parseIp } from "../lib/ip";
import { arr, K8sObject, labelMap, Obj, ref, str } from "../lib/k8s";
import { stackPolicy, stringList } from "../lib/policy";
import { StackIndex } from "../lib/stack";
import { requestedAddresses } from "./loadbalancer";

const GROUP = "gateway.networking.k8s.io";
const HTTPROUTE = `${GROUP}/HTTPRoute`;
const REFERENCE_GRANT = `${GROUP}/ReferenceGrant`;

/** A parentRef that names a Gateway (group and kind default to Gateway API's Gateway). */
function isGatewayRef(p: Obj): boolean {
    return (str(p?.group) ?? GROUP) === GROUP && (str(p?.kind) ?? "Gateway") === "Gateway";
}

/** Does a ReferenceGrant in `toNs` let `fromKind` objects of `fromNs` refer to `toKind` `name` there? */
function granted(idx: StackIndex, fromKind: string, fromNs: string, toGroup: string, toKind: string, toNs: string, name: string): boolean {
    return idx
        .in(REFERENCE_GRANT, toNs)
        .some(
            (g) =>
                arr(g.spec.from).some((f) => f?.group === GROUP && f?.kind === fromKind && f?.namespace === fromNs) &&
                arr(g.spec.to).some((t) => (str(t?.group) ?? "") === toGroup && t?.kind === toKind && (t?.name === undefined || t?.name === name)),
        );
}

/** The labels of a namespace as a selector sees them, or undefined when only the name is known and more is asked. */
function namespaceLabels(idx: StackIndex, ns: string): Record<string, string> | undefined {
    const o = idx.get(GK.Namespace, "", ns);
    return o ? { ...o.labels, "kubernetes.io/metadata.name": ns } : undefined;
}

/** A LabelSelector over labels: matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist). */
function selectorMatches(sel: Obj, labels: Record<string, string>): boolean {
    for (const [k, v] of Object.entries(labelMap(sel?.matchLabels))) if (labels[k] !== v) return false;
    for (const e of arr(sel?.matchExpressions)) {
        const has = Object.hasOwn(labels, e?.key);
        const values = arr<string>(e?.values);
        const ok =
            e?.operator === "In"
                ? has && values.includes(labels[e.key])
                : e?.operator === "NotIn"
                  ? !has || !values.includes(labels[e.key])
                  : e?.operator === "Exists"
                    ? has
                    : e?.operator === "DoesNotExist"
                      ? !has
                      : false;
        if (!ok) return false;
    }
    return true;
}

/** Whether a listener admits HTTPRoutes of `ns`: true, false, or undefined when the namespace's labels are unknown. */
function listenerAdmits(idx: StackIndex, gw: K8sObject, l: Obj, ns: string): boolean | undefined {
    const protocol = str(l?.protocol);
    if (protocol !== "HTTP" && protocol !== "HTTPS") return false;
    const kinds = arr(l?.allowedRoutes?.kinds);
    if (kinds.length > 0 && !kinds.some((k) => (str(k?.group) ?? GROUP) === GROUP && k?.kind === "HTTPRoute")) return false;
    const from = str(l?.allowedRoutes?.namespaces?.from) ?? "Same";
    if (from === "All") return true;
    if (from === "Same") return ns === gw.namespace;
    const sel = l?.allowedRoutes?.namespaces?.selector ?? {};
    const known = namespaceLabels(idx, ns);
    if (known) return selectorMatches(sel, known);
    // Without the Namespace object only its name label is known: decide when the selector reads nothing else.
    const onlyName =
        Object.keys(labelMap(sel.matchLabels)).every((k) => k === "kubernetes.io/metadata.name") &&
        arr(sel.matchExpressions).every((e) => e?.key === "kubernetes.io/metadata.name");
    return onlyName ? selectorMatches(sel, { "kubernetes.io/metadata.name": ns }) : undefined;
}

/** The listeners a parentRef selects (sectionName, port). */
function selectedListeners(gw: K8sObject, p: Obj): Obj[] {
    return arr(gw.spec.listeners).filter((l) => (p?.sectionName === undefined || l?.name === p.sectionName) && (p?.port === undefined || l?.port === p.port));
}

/** Gateway API route attachment (Accepted: NotAllowedByListeners, NoMatchingParent, NoMatchingListenerHostname). */
export function httpRouteParentGateway(): StackValidationPolicy {
    return stackPolicy<{ externalGateways: string[] }>({
        name: "http-route-parent-gateway",
        description:
            "Checks that every Gateway an HTTPRoute attaches to exists, has the listener it names, and has a listener that admits the route's namespace (allowedRoutes) and hostnames.",
        enforcementLevel: "mandatory",
        configSchema: {
            properties: {
                externalGateways: stringList("Gateway API Gateways owned by another team or stack (the platform's), as namespace/name or namespace/* ."),
            },
        },
        check: (idx, cfg, report) => {
            if (idx.incomplete(GK.KubeGateway, ["spec.listeners"])) return;
            for (const route of idx.of(HTTPROUTE)) {
                arr(route.spec.parentRefs).forEach((p, i) => {
                    if (!isGatewayRef(p)) return;
                    const ns = str(p?.namespace) ?? route.namespace;
                    const name = str(p?.name) ?? "";
                    const at = `spec.parentRefs[${i}]`;
                    const gw = idx.get(GK.KubeGateway, ns, name);
                    if (!gw) {
                        if (cfg.externalGateways.some((e) => e === `${ns}/${name}` || e === `${ns}/*`)) return;
                        report(
                            route,
                            `${ref(route)}: ${at} names Gateway ${ns}/${name}, which is not among the checked resources; the route is never attached and its hosts are not served. Declare the Gateway, fix the reference, or list it in externalGateways if another team owns it.`,
                        );
                        return;
                    }
                    const listeners = selectedListeners(gw, p);
                    if (listeners.length === 0) {
                        const names = arr(gw.spec.listeners)
                            .map((l) => `${l?.name} (port ${l?.port})`)
                            .join(", ");
                        report(
                            route,
                            `${ref(route)}: ${at} selects ${p?.sectionName !== undefined ? `listener "${p.sectionName}"` : ""}${p?.port !== undefined ? ` port ${p.port}` : ""} of ${ref(gw)}, which has no such listener (listeners: ${names}); the route is not accepted. Name one of its listeners.`,
                        );
                        return;
                    }
                    const verdicts = listeners.map((l) => listenerAdmits(idx, gw, l, route.namespace));
                    if (verdicts.includes(undefined)) return;
                    const admitting = listeners.filter((_, j) => verdicts[j]);
                    if (admitting.length === 0) {
                        report(
                            route,
                            `${ref(route)}: ${at} attaches to ${ref(gw)}, but no selected listener admits HTTPRoutes from namespace ${route.namespace} (allowedRoutes: ${listeners.map((l) => `${l?.name}: ${JSON.stringify(l?.allowedRoutes ?? { namespaces: { from: "Same" } })}`).join("; ")}); the route is NotAllowedByListeners and serves nothing. Allow the namespace in the listener's allowedRoutes or move the route.`,
                        );
                        return;
                    }
                    const hostnames = arr<string>(route.spec.hostnames).filter((h) => typeof h === "string");
                    if (hostnames.length === 0) return;
                    const fits = admitting.some(
                        (l) => str(l?.hostname) === undefined || hostnames.some((h) => intersects(l.hostname.toLowerCase(), h.toLowerCase())),
                    );
                    if (!fits) {
                        report(
                            route,
                            `${ref(route)}: spec.hostnames (${hostnames.join(", ")}) match no hostname of the listeners ${at} selects on ${ref(gw)} (${admitting.map((l) => l?.hostname ?? "any").join(", ")}); the route is not accepted (NoMatchingListenerHostname). Use a hostname the listener serves.`,
                        );
                    }
                });
            }
        },
    });
}

/** Gateway API listener TLS: certificateRefs present, cross-namespace ones granted. */
export function gatewayListenerCertificate(): StackValidationPolicy {
    return stackPolicy({
        name: "gateway-listener-certificate",
        description:
            "Checks that every Gateway API listener terminating TLS (HTTPS, or TLS with mode Terminate) names a certificate, and that a certificate in another namespace is granted by a ReferenceGrant there.",
        enforcementLevel: "mandatory",
        check: (idx, _cfg, report) => {
            if (idx.incomplete(REFERENCE_GRANT, ["spec.from", "spec.to"])) return;
            for (const gw of idx.of(GK.KubeGateway)) {
                arr(gw.spec.listeners).forEach((l, i) => {
                    const protocol = str(l?.protocol);
                    if (protocol !== "HTTPS" && protocol !== "TLS") return;
                    if ((str(l?.tls?.mode) ?? "Terminate") !== "Terminate") return;
                    const refs = arr(l?.tls?.certificateRefs);
                    if (refs.length === 0) {
                        report(
                            gw,
                            `${ref(gw)}: spec.listeners[${i}] (${l?.name}, ${protocol} port ${l?.port}) terminates TLS but has no tls.certificateRefs; the listener is not programmed (InvalidCertificateRef) and its hosts get no TLS. Reference the Secret cert-manager writes for these hosts.`,
                        );
                        return;
                    }
                    refs.forEach((c, j) => {
                        const ns = str(c?.namespace);
                        if (!ns || ns === gw.namespace) return;
                        const group = str(c?.group) ?? "";
                        const kind = str(c?.kind) ?? "Secret";
                        if (granted(idx, "Gateway", gw.namespace, group, kind, ns, str(c?.name) ?? "")) return;
                        report(
                            gw,
                            `${ref(gw)}: spec.listeners[${i}].tls.certificateRefs[${j}] names ${kind} ${ns}/${c?.name} in another namespace, and no ReferenceGrant in ${ns} lets Gateways of ${gw.namespace} refer to it; the reference is refused (RefNotPermitted) and the listener serves no certificate. Add a ReferenceGrant in ${ns}, or keep the Secret in ${gw.namespace}.`,
                        );
                    });
                });
            }
        },
    });
}

const HTTP_FAMILY = new Set(["HTTP"]);
const TLS_FAMILY = new Set(["HTTPS", "TLS"]);

/** The match of an HTTPRoute rule as Gateway API compares them (path defaults to PathPrefix /). */
function matchKey(m: Obj): string {
    const path = { type: str(m?.path?.type) ?? "PathPrefix", value: str(m?.path?.value) ?? "/" };
    return JSON.stringify({ ...m, path });
}

/** Gateway API listener conflicts (ProtocolConflict) and HTTPRoutes claiming the same host and match on one listener. */
export function gatewayListenerHostnameConflict(): StackValidationPolicy {
    return stackPolicy({
        name: "gateway-listener-hostname-conflict",
        description:
            "Checks that the listeners of a Gateway API Gateway on one port do not mix plain HTTP with TLS for overlapping hostnames, and that no two HTTPRoutes claim the same hostname and match on one listener.",
        enforcementLevel: "mandatory",
        check: (idx, _cfg, report) => {
            for (const gw of idx.of(GK.KubeGateway)) {
                const listeners = arr(gw.spec.listeners);
                listeners.forEach((a, i) =>
                    listeners.slice(0, i).forEach((b) => {
                        if (a?.port !== b?.port) return;
                        const mixed =
                            (HTTP_FAMILY.has(a?.protocol) && TLS_FAMILY.has(b?.protocol)) || (TLS_FAMILY.has(a?.protocol) && HTTP_FAMILY.has(b?.protocol));
                        if (!mixed) return;
                        const ha = str(a?.hostname) ?? "*";
                        const hb = str(b?.hostname) ?? "*";
                        if (!intersects(ha, hb)) return;
                        report(
                            gw,
                            `${ref(gw)}: spec.listeners[${i}] (${a?.name}, ${a?.protocol}) and listener ${b?.name} (${b?.protocol}) share port ${a?.port} for hostname ${ha === "*" ? hb : ha}; one port cannot serve plain HTTP and TLS, so the listeners are Conflicted and not programmed. Put them on different ports.`,
                        );
                    }),
                );
            }
            const owner = new Map<string, K8sObject>();
            for (const route of idx.of(HTTPROUTE)) {
                if (route.unknown) continue;
                const keys = new Set<string>();
                for (const p of arr(route.spec.parentRefs)) {
                    if (!isGatewayRef(p)) continue;
                    const gw = idx.get(GK.KubeGateway, str(p?.namespace) ?? route.namespace, str(p?.name) ?? "");
                    if (!gw) continue;
                    for (const l of selectedListeners(gw, p)) {
                        const listenerHost = str(l?.hostname);
                        const hosts = arr<string>(route.spec.hostnames).filter((h) => typeof h === "string");
                        const effective = hosts.length > 0 ? hosts.filter((h) => !listenerHost || intersects(h, listenerHost)) : [listenerHost ?? "*"];
                        for (const h of effective) {
                            for (const rule of arr(route.spec.rules)) {
                                const matches = arr(rule?.matches);
                                for (const m of matches.length > 0 ? matches : [{}]) {
                                    keys.add(`${gw.namespace}/${gw.name}|${l?.name}|${h.toLowerCase()}|${matchKey(m)}`);
                                }
                            }
                        }
                    }
                }
                for (const key of keys) {
                    const first = owner.get(key);
                    if (!first) {
                        owner.set(key, route);
                        continue;
                    }
                    if (first === route) continue;
                    const [gwRef, listener, host, match] = key.split("|");
                    report(
                        route,
                        `${ref(route)}: hostname ${host} with match ${match} on listener ${listener} of Gateway ${gwRef} is also claimed by ${ref(first)}; Gateway API gives it to the oldest route, so one of them is silently ignored. Merge the routes or give them different hostnames or paths.`,
                    );
                }
            }
        },
    });
}

/** Gateway API ResolvedRefs: BackendNotFound and RefNotPermitted for Service backends. */
export function httpRouteBackendExists(): StackValidationPolicy {
    return stackPolicy({
        name: "http-route-backend-exists",
        description:
            "Checks that every Service an HTTPRoute sends to is among the checked resources when its namespace is, and that a Service in another namespace is granted by a ReferenceGrant.",
        enforcementLevel: "advisory",
        check: (idx, _cfg, report) => {
            if (idx.incomplete(GK.Service) || idx.incomplete(REFERENCE_GRANT, ["spec.from", "spec.to"])) return;
            for (const route of idx.of(HTTPROUTE)) {
                arr(route.spec.rules).forEach((rule, i) =>
                    arr(rule?.backendRefs).forEach((b, j) => {
                        if ((str(b?.group) ?? "") !== "" || (str(b?.kind) ?? "Service") !== "Service") return;
                        const ns = str(b?.namespace) ?? route.namespace;
                        const name = str(b?.name) ?? "";
                        const at = `spec.rules[${i}].backendRefs[${j}]`;
                        if (ns !== route.namespace && !granted(idx, "HTTPRoute", route.namespace, "", "Service", ns, name)) {
                            report(
                                route,
                                `${ref(route)}: ${at} sends to Service ${ns}/${name} in another namespace, and no ReferenceGrant in ${ns} lets HTTPRoutes of ${route.namespace} refer to it; the backend is refused (RefNotPermitted) and requests get HTTP 500. Add a ReferenceGrant in ${ns}.`,
                            );
                            return;
                        }
                        const known = idx.get(GK.Namespace, "", ns) || idx.in(GK.Service, ns).length > 0;
                        if (known && !idx.get(GK.Service, ns, name)) {
                            report(
                                route,
                                `${ref(route)}: ${at} sends to Service ${ns}/${name}, which is not among the checked resources of namespace ${ns}; the backend is not found and requests get HTTP 500. Fix the name or deploy the Service.`,
                            );
                        }
                    }),
                );
            }
        },
    });
}

/** Where a Gateway API Gateway asks for an address: spec.addresses of type IPAddress and its Service annotations. */
function gatewayAddresses(gw: K8sObject): { field: string; text: string }[] {
    const out: { field: string; text: string }[] = [];
    arr(gw.spec.addresses).forEach((a, i) => {
        if ((str(a?.type) ?? "IPAddress") === "IPAddress" && str(a?.value)) out.push({ field: `spec.addresses[${i}]`, text: a.value });
    });
    const annotations = labelMap(gw.spec.infrastructure?.annotations);
    for (const key of ["metallb.io/loadBalancerIPs", "metallb.universe.tf/loadBalancerIPs", "kube-vip.io/loadbalancerIPs"]) {
        for (const part of (annotations[key] ?? "").split(",")) {
            if (part.trim()) out.push({ field: `spec.infrastructure.annotations["${key}"]`, text: part.trim() });
        }
    }
    return out;
}

/** Side by side with the platform's Gateway API: Istio's gateways never take its load-balancer addresses. */
export function gatewayAddressReserved(): StackValidationPolicy {
    return stackPolicy<{ platformAddresses: string[]; istioGatewayClasses: string[] }>({
        name: "gateway-address-reserved",
        description:
            "Checks that no Istio gateway (a LoadBalancer Service labelled istio, or a Gateway API Gateway of an Istio class) asks for an address of the platform's Gateway API: the platformAddresses ranges, or an address of a Gateway of another class among the checked resources.",
        enforcementLevel: "mandatory",
        configSchema: {
            properties: {
                platformAddresses: stringList("Addresses, CIDRs or a-b ranges of the platform's Gateway API load balancers (the stack's platform.gatewayApi)."),
                istioGatewayClasses: stringList("Gateway classes Istio implements.", ["istio"]),
            },
        },
        check: (idx, cfg, report) => {
            const reserved: { range: IpRange; by: string }[] = cfg.platformAddresses
                .map((t) => parseAddressOrRange(t))
                .filter((r): r is IpRange => !!r)
                .map((range) => ({ range, by: `platformAddresses ${range.text}` }));
            const istioGateways: K8sObject[] = [];
            for (const gw of idx.of(GK.KubeGateway)) {
                if (gw.unknown) continue;
                if (cfg.istioGatewayClasses.includes(str(gw.spec.gatewayClassName) ?? "")) {
                    istioGateways.push(gw);
                    continue;
                }
                for (const a of gatewayAddresses(gw)) {
                    const r = parseAddressOrRange(a.text);
                    if (r) reserved.push({ range: r, by: `${ref(gw)} of class ${gw.spec.gatewayClassName}` });
                }
            }
            if (reserved.length === 0) return;
            const check = (o: K8sObject, field: string, text: string) => {
                const ip = parseIp(text);
                const hit = ip && reserved.find((r) => inRange(ip, r.range));
                if (hit) {
                    report(
                        o,
                        `${ref(o)}: ${field} asks for ${text}, which belongs to the platform's Gateway API (${hit.by}); two load balancers cannot answer for one address, so the platform's ingress or Istio's stops receiving traffic. Take an address outside the platform's.`,
                    );
                }
            };
            for (const gw of istioGateways) for (const a of gatewayAddresses(gw)) check(gw, a.field, a.text);
            for (const svc of idx.of(GK.Service)) {
                if (svc.unknown || svc.spec.type !== "LoadBalancer" || (svc.labels.istio === undefined && svc.labels["gateway.istio.io/managed"] === undefined))
                    continue;
                for (const a of requestedAddresses(svc)) check(svc, a.field, a.text);
            }
        },
    });
}
