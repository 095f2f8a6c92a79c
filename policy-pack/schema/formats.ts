/**
 * Value formats the API server checks: OpenAPI `format`s of strings and integers, resource
 * quantities, and the name and label syntaxes of object metadata.
 */
import { isIpv4, isIpv6 } from "../../domain/ip";
import { labelKey } from "../../domain/names";

const INT32 = [-2147483648, 2147483647];
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const UUID = /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/;

/** Why a string does not have `format`, or undefined when it does (unknown formats pass, as in the API server). */
export function checkStringFormat(format: string, value: string): string | undefined {
    switch (format) {
        case "date-time":
            return DATE_TIME.test(value) && !Number.isNaN(Date.parse(value.replace(" ", "T"))) ? undefined : "must be an RFC 3339 date-time";
        case "date":
            return DATE.test(value) ? undefined : "must be a full-date (YYYY-MM-DD)";
        case "byte":
            return BASE64.test(value) ? undefined : "must be base64-encoded";
        case "uuid":
            return UUID.test(value) ? undefined : "must be a UUID";
        case "ipv4":
            return isIpv4(value) ? undefined : "must be an IPv4 address";
        case "ipv6":
            return isIpv6(value) ? undefined : "must be an IPv6 address";
        default:
            return undefined;
    }
}

/** Why a number does not fit the integer `format`, or undefined when it does. */
export function checkNumberFormat(format: string | undefined, value: number): string | undefined {
    if (format === "int32" && (value < INT32[0] || value > INT32[1])) return "must fit in a 32-bit integer";
    if (format === "int64" && !Number.isSafeInteger(value)) return "must fit in a 64-bit integer";
    return undefined;
}

/** Quantities, addresses and names are read by the shared domain module, as the program reads them. */
export { isQuantity } from "../../domain/quantity";
export { isIpv4 as isIPv4, isIpv6 as isIPv6 } from "../../domain/ip";
export { dns1123Label, dns1123Subdomain, labelValue } from "../../domain/names";

const qualifiedNames = new Map<string, string | undefined>();

/**
 * Why `key` is not a label or annotation key (`[prefix/]name`), or undefined when it is. Remembered per key
 * (bounded): the same few keys label most objects.
 */
export function qualifiedName(key: string): string | undefined {
    if (qualifiedNames.has(key)) return qualifiedNames.get(key);
    const why = labelKey(key);
    if (qualifiedNames.size < 10_000) qualifiedNames.set(key, why);
    return why;
}
