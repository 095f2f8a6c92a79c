/**
 * `istio-mesh:platform` and `istio-mesh:gatewayApi`: how Istio sits on the platform (seed 000) and in which
 * form routes are written.
 *
 * - `platform.deploymentModel`: `replace` (seed 000's primary: Istio's gateway takes over the platform's
 *   Gateway API ingress, platform UIs included) or `beside` (the platform's Gateway API keeps platform and
 *   non-mesh traffic; Istio's gateway serves only namespaces enrolled in the mesh). In `beside`, the
 *   platform's gateway addresses (or pools) are declared so that no Istio gateway takes one.
 * - `gatewayApi.form`: routes become Istio Gateway/VirtualService (`istio`), Gateway API Gateway/HTTPRoute
 *   with `gatewayClassName: istio` (`gateway-api`), or both; a route may choose its own `form`.
 */
import { ClusterConfig, poolContaining, poolRanges } from "./cluster";
import { DNS_LABEL, DNS_LABEL_HINT, Field, show } from "./field";
import type { GatewaysConfig } from "./gateways";

/** The gateways a Gateway API Gateway can stand beside: the two conventional ingress gateways. */
export type ApiGatewayName = "external" | "internal";
import type { AllowRule } from "./mesh";
import { IpAddress, parseIp, parsePoolEntry, rangeContains } from "./ip";
import { parseRouteForm, RouteConfig, RouteForm } from "./routes";

export { parseRouteForm, ROUTE_FORMS } from "./routes";
export type { RouteForm } from "./routes";

export type DeploymentModel = "replace" | "beside";

export interface PlatformConfig {
    deploymentModel: DeploymentModel;
    /** The platform's own Gateway API ingress, which this stack never touches: where its load balancer listens. */
    gatewayApi: {
        /** Addresses, CIDRs or `a-b` ranges its Services hold (as written). */
        addresses: string[];
        /** Names of `cluster.addressPools` reserved for it. */
        pools: string[];
    };
}

export interface GatewayApiGatewayConfig {
    /** The Gateway API Gateway's name, in the gateways' namespace. */
    name: string;
    /** Its own pinned load-balancer address: istiod deploys a gateway (Deployment and Service) for it. */
    address?: string;
    pool?: string;
}

export interface GatewayApiConfig {
    /** The form of routes that set none. */
    form: RouteForm;
    gatewayClassName: string;
    /** Per Istio gateway, the Gateway API Gateway that carries its routes in the gateway-api form. */
    gateways: Partial<Record<ApiGatewayName, GatewayApiGatewayConfig>>;
}

export const PLATFORM_DEFAULTS = { deploymentModel: "replace" as DeploymentModel } as const;
export const GATEWAY_API_DEFAULTS = { form: "istio" as RouteForm, gatewayClassName: "istio", nameSuffix: "-api" } as const;

/** The istiod settings (chart `env`) that make it the Gateway API implementation; its defaults, written out. */
export const ISTIOD_GATEWAY_API_ENV = {
    PILOT_ENABLE_GATEWAY_API: "true",
    PILOT_ENABLE_GATEWAY_API_STATUS: "true",
    PILOT_ENABLE_GATEWAY_API_DEPLOYMENT_CONTROLLER: "true",
    PILOT_ENABLE_GATEWAY_API_GATEWAYCLASS_CONTROLLER: "true",
} as const;

export function parsePlatform(f: Field): PlatformConfig | undefined {
    const o = f.object(["deploymentModel", "gatewayApi"]);
    if (!o) {
        return undefined;
    }
    const deploymentModel = o.deploymentModel.string(PLATFORM_DEFAULTS.deploymentModel, { oneOf: ["replace", "beside"] }) as DeploymentModel;
    const g = o.gatewayApi.object(["addresses", "pools"]);
    const addresses =
        g?.addresses.list((a) => {
            const text = a.string(undefined);
            if (text === undefined) {
                return undefined;
            }
            // A single address is the usual case here (one Gateway, one Service): accepted as written.
            if (parseIp(text)) {
                return text;
            }
            const parsed = parsePoolEntry(text);
            return "error" in parsed ? a.problem(parsed.error) : text;
        }) ?? [];
    const pools = g?.pools.list((p) => p.string(undefined, { pattern: DNS_LABEL, patternHint: DNS_LABEL_HINT })) ?? [];
    if (deploymentModel === "beside" && !g?.addresses.isSet && !g?.pools.isSet) {
        o.gatewayApi.problem(
            "required with deploymentModel beside: the platform's Gateway API load-balancer addresses or pools ({addresses: [10.0.10.40]} or {pools: [platform-ingress]}), so that no Istio gateway takes one of them",
        );
    }
    return { deploymentModel, gatewayApi: { addresses, pools } };
}

export function parseGatewayApi(f: Field): GatewayApiConfig | undefined {
    const o = f.object(["form", "gatewayClassName", "gateways"]);
    if (!o) {
        return undefined;
    }
    const gateways: Partial<Record<ApiGatewayName, GatewayApiGatewayConfig>> = {};
    const g = o.gateways.object(["external", "internal"]);
    for (const kind of ["external", "internal"] as const) {
        const field = g?.[kind];
        if (!field?.isSet) {
            continue;
        }
        const k = field.object(["address", "pool"]);
        const address = k?.address.string(undefined);
        if (address !== undefined && !parseIp(address)) {
            k!.address.problem(`must be an IPv4 or IPv6 address such as 10.0.0.10 (got ${show(address)})`);
        }
        const pool = k?.pool.string(undefined, { pattern: DNS_LABEL, patternHint: DNS_LABEL_HINT });
        gateways[kind] = {
            name: `${kind}-gateway${GATEWAY_API_DEFAULTS.nameSuffix}`,
            ...(address !== undefined && parseIp(address) ? { address } : {}),
            ...(pool !== undefined ? { pool } : {}),
        };
    }
    return {
        form: parseRouteForm(o.form, GATEWAY_API_DEFAULTS.form),
        gatewayClassName: o.gatewayClassName.string(GATEWAY_API_DEFAULTS.gatewayClassName, { pattern: DNS_LABEL, patternHint: DNS_LABEL_HINT }),
        gateways,
    };
}

/** A route's `form` (or the global one): `istio`, `gateway-api` or `both`. */
/** The form a route is rendered in: its own, else the stack's. */
export function routeForm(route: Pick<RouteConfig, "form">, api: Pick<GatewayApiConfig, "form">): RouteForm {
    return route.form ?? api.form;
}

export const usesIstioForm = (form: RouteForm): boolean => form !== "gateway-api";
export const usesGatewayApiForm = (form: RouteForm): boolean => form !== "istio";

/** The Gateway API Gateway of an Istio gateway kind: the configured one, or the default name. */
export function gatewayApiGateway(api: GatewayApiConfig, kind: string): GatewayApiGatewayConfig {
    return api.gateways[kind as ApiGatewayName] ?? { name: `${kind}-gateway${GATEWAY_API_DEFAULTS.nameSuffix}` };
}

/** The slice of the mesh config the checks below read. */
export interface GatewayApiSections {
    cluster: ClusterConfig;
    gateways: GatewaysConfig;
    routes: RouteConfig[];
    namespaces: Record<string, { allow: readonly AllowRule[] }>;
    controlPlane: { values: Record<string, unknown> };
    platform: PlatformConfig;
    gatewayApi: GatewayApiConfig;
}

type Report = (key: string, message: string) => void;

/** The kinds whose routes use the Gateway API form, with the routes' names. */
export function gatewayApiRoutesByKind(c: Pick<GatewayApiSections, "routes" | "gatewayApi">): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const r of c.routes) {
        if (usesGatewayApiForm(routeForm(r, c.gatewayApi))) {
            (out[r.gateway] ??= []).push(r.name);
        }
    }
    return out;
}

/** Routes in the Gateway API form: only on the external gateway, with a Service port, and a Gateway to attach to. */
export function checkGatewayApiRoutes(c: GatewayApiSections, report: Report): void {
    for (const r of c.routes) {
        const form = routeForm(r, c.gatewayApi);
        if (!usesGatewayApiForm(form)) {
            continue;
        }
        const key = `routes.${r.name}`;
        const where = r.form ? `${key}.form` : "gatewayApi.form";
        if (r.gateway === "internal") {
            report(
                where,
                `is ${form}, but routes.${r.name} uses the internal gateway, whose mutual TLS this program renders only as an Istio Gateway; set routes.${r.name}.form: istio`,
            );
            continue;
        }
        r.paths.forEach((p, i) => {
            if (p.port === undefined && !p.service.includes(".")) {
                report(`${key}.paths[${i}].port`, `required with form ${form}: an HTTPRoute's Service backend names its port (e.g. port: 8000)`);
            }
        });
    }
    const byKind = gatewayApiRoutesByKind(c);
    for (const [kind, names] of Object.entries(byKind) as [string, string[]][]) {
        const istio = c.gateways.byName[kind];
        if (!istio || kind === "internal") {
            continue;
        }
        if (istio.address && !c.gatewayApi.gateways[kind as ApiGatewayName]?.address) {
            report(
                `gatewayApi.gateways.${kind}.address`,
                `required: ${names.map((n) => `routes.${n}`).join(", ")} ${names.length === 1 ? "uses" : "use"} the Gateway API form on the ${kind} gateway, whose Gateway istiod deploys with a Service of its own; pin its address from an address pool (another than gateways.${kind}.address)`,
            );
        }
    }
    for (const kind of Object.keys(c.gatewayApi.gateways) as ApiGatewayName[]) {
        if (!c.gateways.byName[kind]) {
            report(
                `gatewayApi.gateways.${kind}`,
                `the ${kind} gateway does not exist: gateways.${kind} is not configured; a Gateway API Gateway takes its hosts and certificate`,
            );
        }
    }
    const env = (c.controlPlane.values.env ?? {}) as Record<string, unknown>;
    if (Object.keys(byKind).length > 0) {
        for (const name of Object.keys(ISTIOD_GATEWAY_API_ENV)) {
            if (env[name] !== undefined && String(env[name]) === "false") {
                report(
                    `controlPlane.values.env.${name}`,
                    `is false, but routes use the Gateway API form, which needs istiod's Gateway API support; remove it or set every route's form to istio`,
                );
            }
        }
    }
}

interface Reserved {
    text: string;
    contains: (ip: IpAddress) => boolean;
}

/** The platform's reserved addresses: its declared entries and every range of its pools. */
function platformReserved(c: Pick<GatewayApiSections, "cluster" | "platform">): Reserved[] {
    const out: Reserved[] = [];
    for (const a of c.platform.gatewayApi.addresses) {
        const single = parseIp(a);
        if (single) {
            out.push({ text: `platform.gatewayApi.addresses ${a}`, contains: (ip) => ip.family === single.family && ip.value === single.value });
            continue;
        }
        const parsed = parsePoolEntry(a);
        if ("range" in parsed) {
            out.push({ text: `platform.gatewayApi.addresses ${a}`, contains: (ip) => rangeContains(parsed.range, ip) });
        }
    }
    for (const name of c.platform.gatewayApi.pools) {
        const pool = c.cluster.addressPools.find((p) => p.name === name);
        if (pool) {
            const ranges = poolRanges(pool);
            out.push({ text: `pool ${name} of platform.gatewayApi.pools`, contains: (ip) => ranges.some((r) => rangeContains(r, ip)) });
        }
    }
    return out;
}

/**
 * The platform's gateways and Istio's share the load balancer: declared platform pools exist and stay the
 * platform's (never managed here), and no Istio gateway address is one of the platform's.
 */
export function checkPlatformAddresses(c: GatewayApiSections, report: Report): void {
    c.platform.gatewayApi.pools.forEach((name, i) => {
        const pool = c.cluster.addressPools.find((p) => p.name === name);
        if (!pool) {
            const names = c.cluster.addressPools.map((p) => p.name);
            report(
                `platform.gatewayApi.pools[${i}]`,
                `no address pool is named ${JSON.stringify(name)}: declare it in cluster.addressPools with manage: false${names.length > 0 ? `; declared pools: ${names.join(", ")}` : ""}`,
            );
        } else if (pool.manage && c.cluster.loadBalancer === "metallb") {
            report(
                `platform.gatewayApi.pools[${i}]`,
                `pool ${name} is the platform's, but cluster.addressPools manages it (manage defaults to true with MetalLB): set manage: false so this stack leaves the platform's IPAddressPool untouched`,
            );
        }
    });
    const reserved = platformReserved(c);
    const pinned: { key: string; address: string; pool?: string }[] = [];
    for (const g of Object.values(c.gateways.byName)) {
        if (g.address) pinned.push({ key: `gateways.${g.name}`, address: g.address, pool: g.pool });
    }
    for (const kind of ["external", "internal"] as const) {
        const api = c.gatewayApi.gateways[kind];
        if (api?.address) pinned.push({ key: `gatewayApi.gateways.${kind}`, address: api.address, pool: api.pool });
    }
    const seen = new Map<string, string>();
    for (const p of pinned) {
        const ip = parseIp(p.address)!;
        const hit = reserved.find((r) => r.contains(ip));
        if (hit) {
            report(
                `${p.key}.address`,
                `${p.address} is the platform Gateway API's (${hit.text}): two load-balancer Services cannot share an address, and the platform's ingress would stop answering; pick an address outside it`,
            );
        } else if (p.key.startsWith("gatewayApi.")) {
            const pool = poolContaining(c.cluster, ip);
            if (!pool) {
                report(`${p.key}.address`, `${p.address} is outside every address pool: use an address from cluster.addressPools`);
            } else if (p.pool !== undefined && p.pool !== pool.name) {
                report(`${p.key}.pool`, `${p.address} is in pool ${pool.name}, not ${p.pool}: set pool: ${pool.name} or pick an address from ${p.pool}`);
            }
        }
        const norm = `${ip.family}:${ip.value}`;
        const first = seen.get(norm);
        if (first !== undefined) {
            report(
                `${p.key}.address`,
                `${p.address} is already ${first}.address: two Services cannot share one load-balancer address; pick another address from the pool`,
            );
        }
        seen.set(norm, first ?? p.key);
        if (p.pool !== undefined && c.platform.gatewayApi.pools.includes(p.pool)) {
            report(
                `${p.key}.pool`,
                `pool ${p.pool} is reserved for the platform's Gateway API (platform.gatewayApi.pools); take Istio's addresses from another pool`,
            );
        }
    }
}

/** The platform's own namespaces (seed 000's namespace layout), which stay outside the mesh side by side. */
export const PLATFORM_NAMESPACES = [
    "flux-system",
    "olm",
    "cert-manager",
    "kyverno",
    "keycloak",
    "rbac-manager",
    "metallb-system",
    "observability",
    "longhorn-system",
    "harbor",
    "headlamp",
    "velero",
] as const;

/**
 * Side by side, Istio's gateway routes only to namespaces enrolled in the mesh, and the platform's services
 * (seed 000: "Sidecars on platform services: No") are not enrolled; their UIs stay on the platform's ingress.
 */
export function checkBesideRoutes(c: GatewayApiSections, report: Report): void {
    if (c.platform.deploymentModel !== "beside") {
        return;
    }
    for (const ns of Object.keys(c.namespaces)) {
        if ((PLATFORM_NAMESPACES as readonly string[]).includes(ns)) {
            report(
                `namespaces.${ns}`,
                `is a platform namespace, and with platform.deploymentModel beside platform services stay outside the mesh on the platform's Gateway API: remove it, or set platform.deploymentModel: replace to bring the platform into the mesh`,
            );
        }
    }
    for (const r of c.routes) {
        if (!Object.hasOwn(c.namespaces, r.namespace)) {
            report(
                `routes.${r.name}.namespace`,
                `${r.namespace} is not enrolled in the mesh (istio-mesh:namespaces), and with platform.deploymentModel beside the platform's Gateway API serves namespaces outside the mesh: enrol ${r.namespace}, or leave this route to the platform's Gateway API`,
            );
        }
    }
}

/** The ServiceAccount istiod gives the pods it deploys for a Gateway: `<name>-<gatewayClassName>`. */
export function gatewayApiServiceAccount(api: GatewayApiConfig, kind: string): string {
    return `${gatewayApiGateway(api, kind).name}-${api.gatewayClassName}`;
}

/**
 * A service published in the Gateway API form into an enrolled namespace must admit the pods istiod deploys
 * for the Gateway: `gateway:<kind>` names the Istio gateway's pods only, so the default deny would answer 403.
 */
export function checkGatewayApiPublished(c: GatewayApiSections, report: Report): void {
    const seen = new Set<string>();
    for (const route of c.routes) {
        if (!usesGatewayApiForm(routeForm(route, c.gatewayApi)) || route.gateway === "internal") {
            continue;
        }
        const sa = gatewayApiServiceAccount(c.gatewayApi, route.gateway);
        const gwNs = c.gateways.namespace;
        for (const p of route.paths) {
            const fqdn = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc(\.|$)/.exec(p.service);
            const [service, ns] = fqdn ? [fqdn[1], fqdn[2]] : [p.service, route.namespace];
            const target = c.namespaces[ns];
            const key = `${ns}/${service}/${route.gateway}`;
            if (!target || seen.has(key)) {
                continue;
            }
            const admitted = target.allow.some(
                (r) =>
                    (r.to === undefined || r.to === service) &&
                    (r.from.length === 0 ||
                        r.from.some(
                            (s) =>
                                (s.kind === "namespace" && s.namespace === gwNs) || (s.kind === "principal" && s.namespace === gwNs && s.serviceAccount === sa),
                        )),
            );
            if (!admitted) {
                seen.add(key);
                report(
                    `namespaces.${ns}.allow`,
                    `routes.${route.name} publishes ${service} through the Gateway API Gateway ${gatewayApiGateway(c.gatewayApi, route.gateway).name}, whose pods run as ${gwNs}/${sa} (gateway:${route.gateway} admits only the Istio gateway's pods), so the default deny answers 403: add { from: ${gwNs}/${sa}, to: ${service} }`,
                );
            }
        }
    }
}

export const GATEWAY_API_CROSS_CHECKS = [checkGatewayApiRoutes, checkPlatformAddresses, checkBesideRoutes, checkGatewayApiPublished];

/**
 * istiod chart values that turn its Gateway API support on, under the user's `controlPlane.values` (which
 * merge last): written out whenever a route uses the Gateway API form, so a chart or istiod default that
 * changes cannot turn it off silently.
 */
export function istiodGatewayApiValues(c: Pick<GatewayApiSections, "routes" | "gatewayApi">): Record<string, unknown> {
    return Object.keys(gatewayApiRoutesByKind(c)).length > 0 ? { env: { ...ISTIOD_GATEWAY_API_ENV } } : {};
}
