/**
 * The traffic settings of one mesh service (`istio-mesh:namespaces.<ns>.services.<service>`): subsets,
 * routes (canary weights, header matches), retries, timeouts, fault injection, mirroring and circuit
 * breaking. Parsed strictly here so that every mistake Istio would reject, or silently misroute, is a
 * config error naming its key before anything is created.
 */
import { DNS_LABEL, DNS_LABEL_HINT, Field, show } from "./field";
import { durationMs, prune, readDuration, readLabels, readMethod } from "./mesh-fields";

/** Istio's StringMatch: exactly one of exact, prefix, regex. A plain string in the stack file means exact. */
export type StringMatch = { exact: string } | { prefix: string } | { regex: string };

export interface RouteMatch {
    headers?: Record<string, StringMatch>;
    uri?: StringMatch;
    method?: string;
}

export interface Retries {
    attempts: number;
    perTryTimeout?: string;
    /** Envoy retry conditions, e.g. 5xx, connect-failure. */
    retryOn?: string[];
}

export interface Fault {
    delay?: { fixedDelay: string; percent: number };
    abort?: { httpStatus: number; percent: number };
}

/** Copies a share of the live traffic to a subset of this service or to another host; responses are dropped. */
export interface Mirror {
    subset?: string;
    host?: string;
    percent: number;
}

export interface Route {
    match?: RouteMatch;
    /** Subset name to weight (0-100, summing to 100); empty when the service has no subsets. */
    to: Record<string, number>;
    timeout?: string;
    retries?: Retries;
    fault?: Fault;
    mirror?: Mirror;
}

export interface Subset {
    name: string;
    labels: Record<string, string>;
}

export interface ConnectionPool {
    tcp?: { maxConnections?: number; connectTimeout?: string };
    http?: {
        http1MaxPendingRequests?: number;
        http2MaxRequests?: number;
        maxRequestsPerConnection?: number;
        maxRetries?: number;
        idleTimeout?: string;
        h2UpgradePolicy?: "DEFAULT" | "DO_NOT_UPGRADE" | "UPGRADE";
    };
}

export interface OutlierDetection {
    consecutive5xxErrors?: number;
    consecutiveGatewayErrors?: number;
    interval?: string;
    baseEjectionTime?: string;
    maxEjectionPercent?: number;
    minHealthPercent?: number;
}

export type LoadBalancer = "ROUND_ROBIN" | "LEAST_REQUEST" | "RANDOM" | "PASSTHROUGH";

/** `namespaces.<ns>.services.<service>`. */
export interface ServiceTrafficConfig {
    /** The Service port routes go to; needed when the Service has more than one port. */
    port?: number;
    subsets: Subset[];
    /** In order: the first route whose match fits takes the request; the last route matches everything. */
    routes: Route[];
    connectionPool?: ConnectionPool;
    outlierDetection?: OutlierDetection;
    loadBalancer?: LoadBalancer;
}

/** Envoy's HTTP and gRPC retry conditions (`x-envoy-retry-on`, `x-envoy-retry-grpc-on`). */
export const RETRY_ON = [
    "5xx",
    "gateway-error",
    "reset",
    "reset-before-request",
    "connect-failure",
    "envoy-ratelimited",
    "retriable-4xx",
    "refused-stream",
    "retriable-status-codes",
    "retriable-headers",
    "http3-post-connect-failure",
    "cancelled",
    "deadline-exceeded",
    "internal",
    "resource-exhausted",
    "unavailable",
] as const;

function readPercent(f: Field, fallback: number): number {
    return f.number(fallback, { min: 0, max: 100 });
}

function readStringMatch(f: Field): StringMatch | undefined {
    if (typeof f.value === "string") {
        return { exact: f.value };
    }
    const o = f.object(["exact", "prefix", "regex"]);
    if (!o || !f.isSet) {
        return undefined;
    }
    const set = (["exact", "prefix", "regex"] as const).filter((k) => o[k].isSet);
    if (set.length !== 1) {
        return f.problem(`must be a string (exact match) or an object with exactly one of exact, prefix, regex (got ${show(f.value)})`);
    }
    const kind = set[0];
    const value = o[kind].string();
    return value === undefined ? undefined : ({ [kind]: value } as StringMatch);
}

function readMatch(f: Field): RouteMatch | undefined {
    const o = f.object(["headers", "uri", "method"]);
    if (!o || !f.isSet) {
        return undefined;
    }
    const match: RouteMatch = {};
    const headers = o.headers.map((h, name) => {
        if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) {
            return h.problem("is not a valid HTTP header name");
        }
        // Envoy lowercases header names before matching, so a capital letter makes the route unreachable.
        if (name !== name.toLowerCase()) {
            return h.problem(`must be lowercase: the proxy lowercases header names, so this match never fits; write ${name.toLowerCase()}`);
        }
        return readStringMatch(h);
    });
    if (headers) match.headers = headers;
    const uri = readStringMatch(o.uri);
    if (uri) match.uri = uri;
    const method = readMethod(o.method);
    if (method) match.method = method;
    if (Object.keys(f.value as object).length === 0) {
        return f.problem("must match on at least one of headers, uri, method; leave match out for the default route");
    }
    return match;
}

function readRetries(f: Field): Retries | undefined {
    const o = f.object(["attempts", "perTryTimeout", "retryOn"]);
    if (!o || !f.isSet) {
        return undefined;
    }
    const retries: Retries = { attempts: o.attempts.integer(2, { min: 0, max: 100 }) };
    const perTryTimeout = readDuration(o.perTryTimeout);
    if (perTryTimeout) retries.perTryTimeout = perTryTimeout;
    const retryOn = readRetryOn(o.retryOn);
    if (retryOn) retries.retryOn = retryOn;
    return retries;
}

/** Retry conditions as a list, or as Envoy's own comma-separated text ("5xx,connect-failure"). */
function readRetryOn(f: Field): string[] | undefined {
    const check = (c: string | undefined, at: Field): string | undefined => {
        if (c === undefined || (RETRY_ON as readonly string[]).includes(c) || /^[1-5]\d\d$/.test(c)) {
            return c;
        }
        return at.problem(`must be an Envoy retry condition (${RETRY_ON.join(", ")}) or an HTTP status code (got ${show(c)})`);
    };
    if (typeof f.value === "string") {
        const all = f.value.split(",").map((c) => check(c.trim(), f));
        return all.every((c) => c !== undefined) ? (all as string[]) : undefined;
    }
    return f.list((item) => check(item.string(), item), { minItems: 1 });
}

function readFault(f: Field): Fault | undefined {
    const o = f.object(["delay", "abort"]);
    if (!o || !f.isSet) {
        return undefined;
    }
    const fault: Fault = {};
    const d = o.delay.object(["fixedDelay", "percent"]);
    if (d && o.delay.isSet) {
        const fixedDelay = d.fixedDelay.isSet ? readDuration(d.fixedDelay) : d.fixedDelay.problem("is required: how long to delay, e.g. 5s");
        const percent = readPercent(d.percent, 100);
        if (fixedDelay) fault.delay = { fixedDelay, percent };
    }
    const a = o.abort.object(["httpStatus", "percent"]);
    if (a && o.abort.isSet) {
        const httpStatus = a.httpStatus.isSet
            ? a.httpStatus.integer(undefined, { min: 200, max: 599 })
            : a.httpStatus.problem("is required: the status to answer with, e.g. 503");
        const percent = readPercent(a.percent, 100);
        if (httpStatus !== undefined) fault.abort = { httpStatus, percent };
    }
    if (!o.delay.isSet && !o.abort.isSet) {
        return f.problem("must set delay, abort or both");
    }
    return fault;
}

function readMirror(f: Field, svcHost: string): Mirror | undefined {
    const o = f.object(["subset", "host", "percent"]);
    if (!o || !f.isSet) {
        return undefined;
    }
    const mirror: Mirror = { percent: readPercent(o.percent, 100) };
    const subset = o.subset.string(undefined, { pattern: DNS_LABEL, patternHint: DNS_LABEL_HINT });
    const host = o.host.string(undefined, {
        pattern: /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/,
        patternHint: "a host name such as reviews-shadow.shop.svc.cluster.local",
    });
    if (!o.subset.isSet && !o.host.isSet) {
        return f.problem(`must set subset (a subset of ${svcHost}) or host (another service)`);
    }
    if (subset) mirror.subset = subset;
    if (host) mirror.host = host;
    return mirror;
}

/** `to`: a subset name (all traffic) or subset-to-weight; weights are integers 0-100 summing to 100. */
function readTo(f: Field, subsets: ReadonlySet<string>): Record<string, number> | undefined {
    if (subsets.size === 0) {
        return f.isSet ? f.problem("names subsets, but the service defines none: add subsets or leave to out") : {};
    }
    if (!f.isSet) {
        return f.problem(
            `is required: the subset (one of ${[...subsets].join(", ")}) or subset weights such as { ${[...subsets]
                .slice(0, 2)
                .map((s, i) => `${s}: ${i === 0 ? 90 : 10}`)
                .join(", ")} }`,
        );
    }
    if (f.isObject() && Object.keys(f.value as object).length === 0) {
        return f.problem("must name at least one subset");
    }
    const weights = typeof f.value === "string" ? { [f.value]: 100 } : f.map((w) => w.integer(undefined, { min: 0, max: 100 }));
    if (!weights || (f.isObject() && Object.keys(weights).length < Object.keys(f.value as object).length)) {
        return undefined;
    }
    const undefinedSubsets = Object.keys(weights).filter((s) => !subsets.has(s));
    if (undefinedSubsets.length > 0) {
        return f.problem(`subset ${undefinedSubsets.map((s) => `"${s}"`).join(", ")} is not defined; defined subsets: ${[...subsets].join(", ")}`);
    }
    const entries = Object.entries(weights);
    const sum = entries.reduce((n, [, w]) => n + w, 0);
    if (sum !== 100) {
        return f.problem(`weights must sum to 100 (got ${sum}: ${entries.map(([s, w]) => `${s} ${w}`).join(" + ")})`);
    }
    return weights;
}

function readRoute(f: Field, subsets: ReadonlySet<string>, svcHost: string): Route | undefined {
    const o = f.object(["match", "to", "timeout", "retries", "fault", "mirror"]);
    if (!o) {
        return undefined;
    }
    const to = readTo(o.to, subsets);
    const route: Route = { to: to ?? {} };
    const match = readMatch(o.match);
    if (match) route.match = match;
    const timeout = readDuration(o.timeout);
    if (timeout) route.timeout = timeout;
    const retries = readRetries(o.retries);
    if (retries) route.retries = retries;
    if (timeout && retries?.perTryTimeout && durationMs(retries.perTryTimeout)! >= durationMs(timeout)!) {
        o.retries
            .child("perTryTimeout")
            .problem(
                `${retries.perTryTimeout} is not shorter than the route's timeout (${timeout}): the first try uses up the whole timeout and no retry ever runs`,
            );
    }
    const fault = readFault(o.fault);
    if (fault) route.fault = fault;
    const mirror = readMirror(o.mirror, svcHost);
    if (mirror) {
        if (mirror.subset && !mirror.host && !subsets.has(mirror.subset)) {
            o.mirror.child("subset").problem(`subset "${mirror.subset}" is not defined; defined subsets: ${[...subsets].join(", ") || "none"}`);
        }
        route.mirror = mirror;
    }
    return to === undefined ? undefined : route;
}

function readSubsets(f: Field): Subset[] {
    const seen = new Map<string, string>();
    const subsets =
        f.list((item) => {
            const o = item.object(["name", "labels"]);
            if (!o) return undefined;
            const name = o.name.isSet ? o.name.string(undefined, { pattern: DNS_LABEL, patternHint: DNS_LABEL_HINT }) : o.name.problem("is required, e.g. v1");
            const labels = o.labels.isSet
                ? readLabels(o.labels, { nonEmpty: true })
                : o.labels.problem("is required: the pod labels of this subset, e.g. { version: v1 }");
            if (name === undefined || labels === undefined) return undefined;
            if (seen.has(name)) {
                return o.name.problem(`duplicate subset name "${name}": subset names must be unique`);
            }
            const key = JSON.stringify(Object.entries(labels).sort());
            const twin = [...seen].find(([, k]) => k === key)?.[0];
            if (twin !== undefined) {
                return o.labels.problem(`selects the same pods as subset "${twin}": give each subset its own labels`);
            }
            seen.set(name, key);
            return { name, labels };
        }) ?? [];
    return subsets;
}

function readConnectionPool(f: Field): ConnectionPool | undefined {
    const o = f.object(["tcp", "http"]);
    if (!o || !f.isSet) {
        return undefined;
    }
    const int = (g: Field) => g.integer(undefined, { min: 1, max: 2147483647 });
    const pool: ConnectionPool = {};
    const t = o.tcp.object(["maxConnections", "connectTimeout"]);
    if (t && o.tcp.isSet) {
        pool.tcp = prune({ maxConnections: int(t.maxConnections), connectTimeout: readDuration(t.connectTimeout) });
    }
    const h = o.http.object(["http1MaxPendingRequests", "http2MaxRequests", "maxRequestsPerConnection", "maxRetries", "idleTimeout", "h2UpgradePolicy"]);
    if (h && o.http.isSet) {
        pool.http = prune({
            http1MaxPendingRequests: int(h.http1MaxPendingRequests),
            http2MaxRequests: int(h.http2MaxRequests),
            maxRequestsPerConnection: int(h.maxRequestsPerConnection),
            maxRetries: int(h.maxRetries),
            idleTimeout: readDuration(h.idleTimeout),
            h2UpgradePolicy: h.h2UpgradePolicy.string(undefined, { oneOf: ["DEFAULT", "DO_NOT_UPGRADE", "UPGRADE"] }) as "DEFAULT" | undefined,
        });
    }
    return pool;
}

function readOutlierDetection(f: Field): OutlierDetection | undefined {
    const o = f.object(["consecutive5xxErrors", "consecutiveGatewayErrors", "interval", "baseEjectionTime", "maxEjectionPercent", "minHealthPercent"]);
    if (!o || !f.isSet) {
        return undefined;
    }
    return prune({
        consecutive5xxErrors: o.consecutive5xxErrors.integer(undefined, { min: 0, max: 2147483647 }),
        consecutiveGatewayErrors: o.consecutiveGatewayErrors.integer(undefined, { min: 0, max: 2147483647 }),
        interval: readDuration(o.interval),
        baseEjectionTime: readDuration(o.baseEjectionTime),
        maxEjectionPercent: o.maxEjectionPercent.integer(undefined, { min: 0, max: 100 }),
        minHealthPercent: o.minHealthPercent.integer(undefined, { min: 0, max: 100 }),
    });
}

/** Parses `namespaces.<ns>.services.<name>`; `host` is the service's FQDN, for messages. */
export function parseServiceTraffic(f: Field, host: string): ServiceTrafficConfig | undefined {
    const o = f.object(["port", "subsets", "routes", "connectionPool", "outlierDetection", "loadBalancer"]);
    if (!o) {
        return undefined;
    }
    const subsets = readSubsets(o.subsets);
    const names = new Set(subsets.map((s) => s.name));
    if (subsets.length > 0 && !o.routes.isSet) {
        o.routes.problem(
            `is required when subsets are defined: subsets receive traffic only through routes, e.g. routes: [{ to: { ${subsets[0].name}: 100 } }]`,
        );
    }
    const routes = o.routes.list((r) => readRoute(r, names, host), { minItems: 1 }) ?? [];
    checkRouteOrder(o.routes);
    const config: ServiceTrafficConfig = {
        subsets,
        routes,
        ...prune({
            port: o.port.integer(undefined, { min: 1, max: 65535 }),
            connectionPool: readConnectionPool(o.connectionPool),
            outlierDetection: readOutlierDetection(o.outlierDetection),
            loadBalancer: o.loadBalancer.string(undefined, { oneOf: ["ROUND_ROBIN", "LEAST_REQUEST", "RANDOM", "PASSTHROUGH"] }) as LoadBalancer | undefined,
        }),
    };
    if (!f.isSet || Object.keys(f.value as object).length === 0) {
        return f.problem("sets nothing: give it routes, subsets, connectionPool, outlierDetection or loadBalancer, or remove it");
    }
    return config;
}

/**
 * Routes are tried in order. A route without match takes everything, so it must be the last one, and
 * the last one must be it: otherwise requests that match no route get a 404 from the sidecar.
 */
function checkRouteOrder(f: Field): void {
    if (!Array.isArray(f.value) || f.value.length === 0) {
        return;
    }
    const items = f.value as unknown[];
    const hasMatch = (v: unknown) => typeof v === "object" && v !== null && (v as Record<string, unknown>).match !== undefined;
    items.forEach((v, i) => {
        if (i < items.length - 1 && !hasMatch(v)) {
            f.child(i).problem("has no match, so it takes every request and the routes after it are never used: move it last");
        }
    });
    if (hasMatch(items[items.length - 1])) {
        f.child(items.length - 1).problem("the last route must have no match (the default route): requests that match no route get HTTP 404");
    }
}
