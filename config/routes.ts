/**
 * `istio-mesh:routes`: services published through a gateway, by host and path (seed 001: `/api` to
 * api-service, `/web` to web-service). Each route becomes one VirtualService in the service's namespace,
 * bound to its gateway by `namespace/name`.
 */
import { DNS_LABEL, DNS_LABEL_HINT, Field } from "./field";
import { HOST_HINT } from "./gateways";

/** How a route is rendered: an Istio VirtualService, a Gateway API HTTPRoute, or both (config/gateway-api.ts). */
export type RouteForm = "istio" | "gateway-api" | "both";
export const ROUTE_FORMS: readonly RouteForm[] = ["istio", "gateway-api", "both"];

export function parseRouteForm(f: Field, fallback: RouteForm): RouteForm;
export function parseRouteForm(f: Field, fallback?: undefined): RouteForm | undefined;
export function parseRouteForm(f: Field, fallback?: RouteForm): RouteForm | undefined {
    return (fallback === undefined ? f.string(undefined, { oneOf: ROUTE_FORMS }) : f.string(fallback, { oneOf: ROUTE_FORMS })) as RouteForm | undefined;
}

export interface RoutePath {
    match: "prefix" | "exact";
    path: string;
    /** The destination Service: a name in the route's namespace, or a fully qualified host. */
    service: string;
    port?: number;
}

export interface RouteConfig {
    /** The VirtualService's name (the key under `routes`). */
    name: string;
    namespace: string;
    /** The key of an ingress gateway under `gateways`. */
    gateway: string;
    hosts: string[];
    paths: RoutePath[];
    /** Istio VirtualService, Gateway API HTTPRoute, or both (config/gateway-api.ts); unset: `gatewayApi.form`. */
    form?: RouteForm;
}

export const ROUTES_DEFAULTS = { gateway: "external" } as const;

const HOST = /^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const WILDCARD_HOST = /^\*\.([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)*[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** An absolute URI path: no spaces, no query or fragment (Istio matches on the path alone). */
const PATH = /^\/[^\s?#]*$/;
const SERVICE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function parseRoutes(f: Field): RouteConfig[] | undefined {
    const routes = f.map((r, name) => parseRoute(r, name)) ?? {};
    const list = Object.values(routes);
    checkDuplicatePaths(f, list);
    return list;
}

function parseRoute(f: Field, name: string): RouteConfig | undefined {
    if (!DNS_LABEL.test(name)) {
        f.problem(`the route name becomes the VirtualService name and must be ${DNS_LABEL_HINT}`);
    }
    const o = f.object(["namespace", "gateway", "hosts", "paths", "form"]);
    if (!o) {
        return undefined;
    }
    if (!o.namespace.isSet) {
        o.namespace.problem("required: the namespace of the services this route sends traffic to (the VirtualService lives there)");
    }
    if (!o.hosts.isSet) {
        o.hosts.problem("required: the hosts this route answers for, each one of its gateway's hosts, e.g. [app.example.com]");
    }
    if (!o.paths.isSet) {
        o.paths.problem("required: at least one { prefix: /api, service: api-service, port: 8000 }");
    }
    const seen = new Set<string>();
    const hosts =
        o.hosts.list(
            (h) => {
                const host = h.string(undefined);
                if (host !== undefined && !HOST.test(host) && !WILDCARD_HOST.test(host)) {
                    return h.problem(`must be ${HOST_HINT} (got ${JSON.stringify(host)})`);
                }
                if (host !== undefined && seen.has(host)) {
                    return h.problem(`duplicates host ${JSON.stringify(host)}`);
                }
                if (host !== undefined) seen.add(host);
                return host;
            },
            { minItems: 1 },
        ) ?? [];
    const paths = o.paths.list(parsePath, { minItems: 1 }) ?? [];
    const keys = new Map<string, number>();
    paths.forEach((p, i) => {
        const key = `${p.match} ${p.path}`;
        if (keys.has(key)) {
            o.paths.child(i).problem(`duplicates paths[${keys.get(key)}] (${p.match} ${p.path}): the second match would never be reached`);
        }
        keys.set(key, i);
    });
    return {
        name,
        namespace: o.namespace.string("", { pattern: DNS_LABEL, patternHint: DNS_LABEL_HINT }),
        gateway: o.gateway.string(ROUTES_DEFAULTS.gateway, {
            pattern: DNS_LABEL,
            patternHint: "the name of a gateway under istio-mesh:gateways, such as external",
        }),
        hosts,
        paths,
        ...(o.form.isSet ? { form: parseRouteForm(o.form) } : {}),
    };
}

function parsePath(f: Field): RoutePath | undefined {
    const o = f.object(["prefix", "exact", "service", "port"]);
    if (!o) {
        return undefined;
    }
    if (o.prefix.isSet === o.exact.isSet) {
        return f.problem("must set exactly one of prefix (/api matches /api and /api/...) or exact (only /api)");
    }
    const match = o.prefix.isSet ? "prefix" : "exact";
    const path = o[match].string(undefined, { pattern: PATH, patternHint: "a path starting with / without spaces, query or fragment, such as /api" });
    if (!o.service.isSet) {
        o.service.problem("required: the Service that serves this path, e.g. api-service");
    }
    const service = o.service.string(undefined, {
        pattern: SERVICE,
        patternHint: "a Service name such as api-service, or a fully qualified host such as api.apps.svc.cluster.local",
    });
    const port = o.port.integer(undefined, { min: 1, max: 65535 });
    if (path === undefined || service === undefined) {
        return undefined;
    }
    return port === undefined ? { match, path, service } : { match, path, service, port };
}

/** Two routes on one gateway must not claim the same host and path: Istio would merge them in an arbitrary order. */
function checkDuplicatePaths(f: Field, routes: RouteConfig[]): void {
    const owner = new Map<string, string>();
    for (const route of routes) {
        for (const host of route.hosts) {
            for (const p of route.paths) {
                const key = `${route.gateway} ${host} ${p.match} ${p.path}`;
                const first = owner.get(key);
                if (first !== undefined && first !== route.name) {
                    f.child(route.name)
                        .child("paths")
                        .problem(
                            `${p.match} ${p.path} on ${host} is already routed by routes.${first} through the ${route.gateway} gateway: one of them would never be reached`,
                        );
                }
                owner.set(key, first ?? route.name);
            }
        }
    }
}
