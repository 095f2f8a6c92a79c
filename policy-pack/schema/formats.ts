/**
 * Value formats the API server checks: OpenAPI `format`s of strings and integers, resource
 * quantities, and the name and label syntaxes of object metadata.
 */

const INT32 = [-2147483648, 2147483647];
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const UUID = /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/;
const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?\d+)?$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

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
      return isIPv4(value) ? undefined : "must be an IPv4 address";
    case "ipv6":
      return isIPv6(value) ? undefined : "must be an IPv6 address";
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

/** Whether a value is a resource.Quantity: a number or a string such as `500m`, `1.5Gi`, `2e3`. */
export function isQuantity(value: unknown): boolean {
  if (typeof value === "number") return Number.isFinite(value);
  return typeof value === "string" && QUANTITY.test(value);
}

/** Whether `s` is a dotted-quad IPv4 address. */
export function isIPv4(s: string): boolean {
  const parts = s.split(".");
  return parts.length === 4 && parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

/** Whether `s` is an IPv6 address (with optional `::` compression and an embedded IPv4 tail). */
export function isIPv6(s: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(s)) return false;
  let body = s;
  if (s.includes(".")) {
    const lastColon = s.lastIndexOf(":");
    if (lastColon < 0 || !isIPv4(s.slice(lastColon + 1))) return false;
    body = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const hex = (g: string) => /^[0-9a-fA-F]{1,4}$/.test(g);
  const groups = (x: string) => (x === "" ? [] : x.split(":"));
  const halves = body.split("::");
  if (halves.length > 2) return false;
  if (halves.length === 1) return groups(body).length === 8 && groups(body).every(hex);
  const all = [...groups(halves[0]), ...groups(halves[1])];
  return all.every(hex) && all.length <= 7;
}

/** Why `name` is not a DNS-1123 label (Namespaces, Services), or undefined when it is. */
export function dns1123Label(name: string): string | undefined {
  if (name.length > 63) return "must be no more than 63 characters";
  return DNS1123_LABEL.test(name) ? undefined : "must be a lowercase RFC 1123 label (a-z, 0-9, '-', starting and ending alphanumeric)";
}

/** Why `name` is not a DNS-1123 subdomain (most object names), or undefined when it is. */
export function dns1123Subdomain(name: string): string | undefined {
  if (name.length > 253) return "must be no more than 253 characters";
  return DNS1123_SUBDOMAIN.test(name) ? undefined : "must be a lowercase RFC 1123 subdomain (a-z, 0-9, '-', '.', starting and ending alphanumeric)";
}

const qualifiedNames = new Map<string, string | undefined>();

/**
 * Why `key` is not a label or annotation key (`[prefix/]name`), or undefined when it is. Remembered per key
 * (bounded): the same few keys label most objects.
 */
export function qualifiedName(key: string): string | undefined {
  if (qualifiedNames.has(key)) return qualifiedNames.get(key);
  const why = checkQualifiedName(key);
  if (qualifiedNames.size < 10_000) qualifiedNames.set(key, why);
  return why;
}

function checkQualifiedName(key: string): string | undefined {
  const parts = key.split("/");
  if (parts.length > 2) return "must be a qualified name: an optional DNS subdomain prefix and '/', then a name";
  const name = parts[parts.length - 1];
  if (parts.length === 2) {
    const bad = dns1123Subdomain(parts[0]);
    if (parts[0] === "" || bad) return `prefix ${bad ?? "must be non-empty"}`;
  }
  if (name.length === 0 || name.length > 63) return "name part must be 1-63 characters";
  return QUALIFIED_NAME.test(name) ? undefined : "name part must consist of alphanumerics, '-', '_' or '.', starting and ending alphanumeric";
}

/** Why `value` is not a label value, or undefined when it is. */
export function labelValue(value: string): string | undefined {
  if (value.length > 63) return "must be no more than 63 characters";
  return LABEL_VALUE.test(value) ? undefined : "must be empty or alphanumerics, '-', '_' or '.', starting and ending alphanumeric";
}
