/**
 * Checks of the mesh sections against the rest of the stack config (run only once every section parsed
 * cleanly): enrolled namespaces versus the root and gateway namespaces, gateway roles, Sidecar hosts,
 * and services published through a gateway versus the allow rules of their namespace.
 */
import { show } from "./field";
import type { AllowRule, ExternalServiceConfig, NamespaceConfig } from "./mesh-types";

/** What the mesh cross-checks read of the whole config. */
export interface MeshSections {
    istio: { namespace: string };
    namespaces: Record<string, NamespaceConfig>;
    externalServices: Record<string, ExternalServiceConfig>;
}

/**
 * Checks across sections: the root namespace is not an application namespace, and a Sidecar's external
 * hosts are registered (an unregistered host in a Sidecar narrows nothing and reaches nothing).
 */
export function checkMesh(config: MeshSections, report: (key: string, message: string) => void): void {
    const root = config.istio.namespace;
    if (root in config.namespaces) {
        report(
            `namespaces.${root}`,
            `is the mesh root namespace (istio.namespace): policies there apply to every namespace, so it cannot be enrolled; run workloads in a namespace of their own`,
        );
    }
    const registered = new Set(Object.values(config.externalServices).flatMap((e) => e.hosts));
    for (const [ns, c] of Object.entries(config.namespaces)) {
        c.egress?.forEach((entry, i) => {
            if (!entry.includes("/") && entry.includes(".") && !registered.has(entry)) {
                report(
                    `namespaces.${ns}.egress[${i}]`,
                    `${show(entry)} is not a host of any externalServices entry: register it under istio-mesh:externalServices`,
                );
            }
        });
    }
}

/**
 * `from: gateway:<role>` must name a configured gateway, and the gateways' namespace is not an
 * application namespace (a default-deny policy there would shut the mesh's front door).
 */
export function checkGatewaySources(
    config: { gateways?: GatewaysView; namespaces: Record<string, NamespaceConfig> },
    report: (key: string, message: string) => void,
): void {
    const gateways = config.gateways;
    if (!gateways) {
        return;
    }
    const all = Object.values(gateways.byName);
    const roles = all.map((g) => g.name);
    for (const ns of new Set([gateways.namespace, ...all.map((g) => g.namespace)])) {
        if (ns in config.namespaces) {
            report(
                `namespaces.${ns}`,
                ns === gateways.namespace
                    ? "is the ingress gateways' namespace (gateways.namespace): its default deny would block every request into the mesh; leave it out"
                    : `is the namespace of gateways ${all
                          .filter((g) => g.namespace === ns)
                          .map((g) => g.name)
                          .join(", ")}: its default deny would block every request through them; leave it out`,
            );
        }
    }
    for (const [ns, c] of Object.entries(config.namespaces)) {
        c.allow.forEach((rule, i) => {
            for (const s of rule.from) {
                if (s.kind === "gateway" && !roles.includes(s.gateway)) {
                    report(
                        `namespaces.${ns}.allow[${i}].from`,
                        `gateway:${s.gateway} is not a configured gateway (configured: ${roles.join(", ") || "none"}); configure it under istio-mesh:gateways or fix the name`,
                    );
                }
            }
        });
    }
}

interface GatewaysView {
    namespace: string;
    byName: Readonly<Record<string, { name: string; namespace: string; release: string }>>;
}

interface RouteView {
    name: string;
    namespace: string;
    gateway: string;
    paths: readonly { service: string }[];
}

/** Whether a rule of `rules` lets the gateway's pods reach workload `service`. */
function admitsGateway(rules: readonly AllowRule[], service: string, role: string, gateways: GatewaysView): boolean {
    const sa = gateways.byName[role]?.release;
    const namespace = gateways.byName[role]?.namespace;
    return rules.some(
        (r) =>
            (r.to === undefined || r.to === service) &&
            (r.from.length === 0 ||
                r.from.some(
                    (s) =>
                        (s.kind === "gateway" && s.gateway === role) ||
                        (s.kind === "namespace" && s.namespace === namespace) ||
                        (s.kind === "principal" && s.namespace === namespace && s.serviceAccount === sa),
                )),
    );
}

/**
 * A service published through a gateway (`istio-mesh:routes`) into an enrolled namespace must be
 * admitted by one of its allow rules; otherwise the namespace's default deny answers every request 403.
 */
export function checkPublishedServices(
    config: { gateways?: GatewaysView; routes?: readonly RouteView[]; namespaces: Record<string, NamespaceConfig> },
    report: (key: string, message: string) => void,
): void {
    const { gateways, routes } = config;
    if (!gateways || !routes) {
        return;
    }
    const seen = new Set<string>();
    for (const route of routes) {
        for (const p of route.paths) {
            const fqdn = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc(\.|$)/.exec(p.service);
            const [service, ns] = fqdn ? [fqdn[1], fqdn[2]] : [p.service, route.namespace];
            const key = `${ns}/${service}/${route.gateway}`;
            const target = config.namespaces[ns];
            if (!target || seen.has(key) || admitsGateway(target.allow, service, route.gateway, gateways)) {
                continue;
            }
            seen.add(key);
            report(
                `namespaces.${ns}.allow`,
                `routes.${route.name} publishes ${service} through the ${route.gateway} gateway, but no rule admits the gateway, so the default deny answers 403: add { from: gateway:${route.gateway}, to: ${service} }`,
            );
        }
    }
}
