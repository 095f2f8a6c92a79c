/**
 * Whether an earlier VirtualService match catches every request a later one would: Istio tries routes in
 * order and the first match wins, so a later match inside an earlier, broader one never applies.
 */
import { arr, Obj } from "./k8s";
import { covers } from "./hosts";

/** Keys that name or label a match without narrowing it. */
const INERT = new Set(["name", "statPrefix"]);

/** True when the StringMatch `a` accepts every value `b` accepts (`b` undefined: any value, for uri any path). */
function stringCovers(a: Obj, b: Obj | undefined, uri: boolean): boolean {
    if (!a || typeof a !== "object") return false;
    if (typeof a.prefix === "string" && (a.prefix === "" || (uri && a.prefix === "/"))) return true;
    if (typeof a.regex === "string" && (a.regex === ".*" || a.regex === "^.*$")) return true;
    if (!b || typeof b !== "object") return false;
    if (typeof a.exact === "string") return b.exact === a.exact;
    if (typeof a.prefix === "string") {
        const other = typeof b.exact === "string" ? b.exact : typeof b.prefix === "string" ? b.prefix : undefined;
        return other !== undefined && other.startsWith(a.prefix);
    }
    if (typeof a.regex === "string") return b.regex === a.regex;
    return false;
}

/** Maps of name → StringMatch (headers, queryParams): `a` covers `b` when each of its entries covers `b`'s. */
function mapCovers(a: Obj, b: Obj | undefined): boolean {
    if (!a || typeof a !== "object") return false;
    for (const [k, m] of Object.entries(a)) {
        if (!stringCovers(m, b?.[k], false)) return false;
    }
    return true;
}

/** True when the HTTP match `a` (earlier) accepts every request that `b` (later) accepts. */
export function httpMatchCovers(a: Obj, b: Obj): boolean {
    if (b.ignoreUriCase === true && a.ignoreUriCase !== true && a.uri !== undefined) return false;
    for (const [k, v] of Object.entries(a ?? {})) {
        if (INERT.has(k) || v === undefined || v === null) continue;
        if (k === "uri") {
            if (!stringCovers(v, b.uri, true)) return false;
            continue;
        }
        if (k === "authority" || k === "scheme" || k === "method") {
            if (!stringCovers(v, b[k], false)) return false;
            continue;
        }
        if (k === "headers" || k === "queryParams") {
            if (!mapCovers(v, b[k])) return false;
            continue;
        }
        if (k === "ignoreUriCase") continue;
        if (JSON.stringify(v) !== JSON.stringify(b[k])) return false;
    }
    return true;
}

/** True when the TCP/TLS match `a` accepts every connection `b` accepts. */
export function l4MatchCovers(a: Obj, b: Obj): boolean {
    for (const [k, v] of Object.entries(a ?? {})) {
        if (INERT.has(k) || v === undefined || v === null) continue;
        if (k === "sniHosts") {
            const hosts = arr<string>(b.sniHosts);
            if (
                hosts.length === 0 ||
                !hosts.every((h) => arr<string>(v).some((w) => typeof w === "string" && covers(w.toLowerCase(), String(h).toLowerCase())))
            )
                return false;
            continue;
        }
        if (JSON.stringify(v) !== JSON.stringify(b[k])) return false;
    }
    return true;
}

/** True when the match has no condition: it takes every request. */
export function matchesEverything(m: Obj | undefined): boolean {
    return !m || Object.keys(m).every((k) => INERT.has(k) || m[k] === undefined || m[k] === null);
}
