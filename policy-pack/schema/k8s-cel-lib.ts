/**
 * The Kubernetes CEL library functions that the pinned CRDs' rules use and CEL itself lacks:
 * the URL library (`url()`, `isURL()`, `getScheme()` ...) and `isIP()` of the IP library (Gateway API's
 * TLSRoute hostnames), as the API server defines them (k8s.io/apiserver/pkg/cel/library/urls.go, ip.go). Strings extensions (`lowerAscii`, `substring` ...)
 * come from `@bufbuild/cel/ext`; `duration()`, `matches()`, `int()`, `size()` are standard CEL.
 */
import type { CelFunc } from "@bufbuild/cel";
import { isIP as netIsIp } from "net";
import { parseIp } from "../lib/ip";

/** The parts of a URL, as Go's net/url keeps them. */
export interface ParsedURL {
    scheme: string;
    host: string;
    path: string;
    query: string;
}

const URI = /^(?:([^:/?#]+):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/;
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*$/;
const HOST = /^(\[[0-9A-Fa-f:.]+(%25[^\]]*)?\]|[A-Za-z0-9\-._~!$&'()*+,;=%]*)(:\d*)?$/;
const USERINFO = /^[A-Za-z0-9\-._~!$&'()*+,;=:%]*$/;
const BAD_ESCAPE = /%(?![0-9A-Fa-f]{2})/;
const URL_KEY = "\u0000k8s.url";

function fail(s: string, reason: string): never {
    throw new Error(`URL parse error during conversion from string: parse ${JSON.stringify(s)}: ${reason}`);
}

/**
 * Checks `s` as Go's url.ParseRequestURI does, which `url()` and `isURL()` use: an absolute URI
 * (a scheme, then `/`) or an absolute path. As a request URI has no fragment, a `#` stays in the
 * host or path, where it (like a space or a malformed `%` escape) makes the URL invalid.
 */
function checkRequestURI(s: string): void {
    if (s === "") fail(s, "empty url");
    // Control characters are exactly what Go's net/url refuses here.
    // eslint-disable-next-line no-control-regex
    if (/[\x00-\x1f\x7f]/.test(s)) fail(s, "net/url: invalid control character in URL");
    let rest = s;
    let hasScheme = false;
    const colon = s.indexOf(":");
    const firstSlash = s.indexOf("/");
    if (colon > 0 && (firstSlash < 0 || colon < firstSlash)) {
        if (!SCHEME.test(s.slice(0, colon))) fail(s, "first path segment in URL cannot contain colon");
        rest = s.slice(colon + 1);
        hasScheme = true;
    } else if (colon === 0) {
        fail(s, "missing protocol scheme");
    }
    const q = rest.indexOf("?");
    if (q >= 0) rest = rest.slice(0, q);
    if (!rest.startsWith("/")) fail(s, "invalid URI for request");
    let path = rest;
    if (hasScheme && rest.startsWith("//")) {
        const end = rest.indexOf("/", 2);
        const authority = end < 0 ? rest.slice(2) : rest.slice(2, end);
        path = end < 0 ? "" : rest.slice(end);
        const at = authority.lastIndexOf("@");
        if (at >= 0 && (!USERINFO.test(authority.slice(0, at)) || BAD_ESCAPE.test(authority.slice(0, at)))) fail(s, "net/url: invalid userinfo");
        const host = authority.slice(at + 1);
        if (!HOST.test(host) || BAD_ESCAPE.test(host)) fail(s, "invalid character in host name");
    }
    if (BAD_ESCAPE.test(path)) fail(s, "invalid URL escape");
}

/**
 * Parses `s` the way `url()` does: valid as a request URI (see {@link checkRequestURI}), then split
 * into parts as Go's url.Parse does (fragment removed); throws with the reason otherwise.
 */
export function parseURL(s: string): ParsedURL {
    checkRequestURI(s);
    const m = URI.exec(s);
    if (!m) fail(s, "invalid URI");
    const [, scheme = "", authority, path = "", query = ""] = m;
    const host = authority === undefined ? "" : authority.slice(authority.lastIndexOf("@") + 1);
    return { scheme, host, path, query };
}

/** Whether `s` converts with `url()`. */
export function isURL(s: string): boolean {
    try {
        parseURL(s);
        return true;
    } catch {
        return false;
    }
}

/** The host without the port (and without the brackets of an IPv6 literal). */
export function hostname(u: ParsedURL): string {
    if (u.host.startsWith("[")) return u.host.slice(1, u.host.indexOf("]"));
    const colon = u.host.lastIndexOf(":");
    return colon < 0 ? u.host : u.host.slice(0, colon);
}

/** The port of the host, or "" when there is none. */
export function port(u: ParsedURL): string {
    const afterBracket = u.host.startsWith("[") ? u.host.slice(u.host.indexOf("]") + 1) : u.host;
    const colon = afterBracket.lastIndexOf(":");
    return colon < 0 ? "" : afterBracket.slice(colon + 1);
}

/** The query as a map of name to all its values, decoded as Go's url.ParseQuery does. */
export function queryParams(u: ParsedURL): Map<string, string[]> {
    const out = new Map<string, string[]>();
    if (u.query === "") return out;
    for (const pair of u.query.split("&")) {
        if (pair === "") continue;
        const eq = pair.indexOf("=");
        const decode = (x: string) => decodeURIComponent(x.replace(/\+/g, " "));
        const key = decode(eq < 0 ? pair : pair.slice(0, eq));
        const value = eq < 0 ? "" : decode(pair.slice(eq + 1));
        out.set(key, [...(out.get(key) ?? []), value]);
    }
    return out;
}

/**
 * `isIP()` as the API server's IP library defines it: Go's netip.ParseAddr (no leading zeros in IPv4),
 * and neither a zone (`fe80::1%eth0`) nor an IPv4-mapped IPv6 address (`::ffff:1.2.3.4`).
 */
export function isIP(s: string): boolean {
    const family = netIsIp(s);
    if (family === 0 || s.includes("%")) return false;
    if (family === 4) return true;
    const v = parseIp(s)?.value;
    return v !== undefined && v >> 32n !== 0xffffn;
}

/**
 * The CEL functions of the Kubernetes URL library, and `isIP()`. Built on first use, as `@bufbuild/cel` itself is
 * loaded only when a rule needs it.
 */
export function urlLibrary(): CelFunc[] {
    library ??= buildUrlLibrary();
    return library;
}

let library: CelFunc[] | undefined;

function buildUrlLibrary(): CelFunc[] {
    const { CelScalar, celFunc, celMethod, celMap, isCelMap, listType, mapType } = require("@bufbuild/cel") as typeof import("@bufbuild/cel");
    const urlOf = (target: unknown): ParsedURL => {
        if (isCelMap(target)) {
            const raw = target.get(URL_KEY);
            if (typeof raw === "string") return parseURL(raw);
        }
        throw new Error("no such overload: the receiver is not a URL");
    };
    return [
        celFunc("url", [CelScalar.STRING], CelScalar.DYN, (s) => {
            parseURL(s);
            return celMap(new Map([[URL_KEY, s]]));
        }),
        celFunc("isURL", [CelScalar.STRING], CelScalar.BOOL, (s) => isURL(s)),
        celFunc("isIP", [CelScalar.STRING], CelScalar.BOOL, (s) => isIP(s)),
        celMethod("getScheme", CelScalar.DYN, [], CelScalar.STRING, function () {
            return urlOf(this).scheme;
        }),
        celMethod("getHost", CelScalar.DYN, [], CelScalar.STRING, function () {
            return urlOf(this).host;
        }),
        celMethod("getHostname", CelScalar.DYN, [], CelScalar.STRING, function () {
            return hostname(urlOf(this));
        }),
        celMethod("getPort", CelScalar.DYN, [], CelScalar.STRING, function () {
            return port(urlOf(this));
        }),
        celMethod("getEscapedPath", CelScalar.DYN, [], CelScalar.STRING, function () {
            return urlOf(this).path;
        }),
        celMethod("getQuery", CelScalar.DYN, [], mapType(CelScalar.STRING, listType(CelScalar.STRING)), function () {
            return celMap(queryParams(urlOf(this)));
        }),
    ];
}
