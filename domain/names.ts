/**
 * Names as Kubernetes and Istio read them: DNS-1123 labels and subdomains (object names), hosts with an
 * optional leading wildcard (Istio `hosts`, gateway hosts), label keys and label values. Each check
 * returns why a name is not one, or undefined, so that every reader shows the same reason.
 */

/** Kubernetes object names: DNS-1123 labels. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
export const DNS_LABEL_HINT = "a DNS-1123 label (lowercase letters, digits and '-', at most 63 characters)";

const LABEL_SYNTAX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN_SYNTAX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
/** A label value (see labelValue), as a pattern for the config reader's string rules. */
export const LABEL_VALUE_PATTERN = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

/** Why `name` is not a DNS-1123 label (Namespaces, Services), or undefined when it is. */
export function dns1123Label(name: string): string | undefined {
    if (name.length > 63) return "must be no more than 63 characters";
    return LABEL_SYNTAX.test(name) ? undefined : "must be a lowercase RFC 1123 label (a-z, 0-9, '-', starting and ending alphanumeric)";
}

/** Why `name` is not a DNS-1123 subdomain (most object names), or undefined when it is. */
export function dns1123Subdomain(name: string): string | undefined {
    if (name.length > 253) return "must be no more than 253 characters";
    return SUBDOMAIN_SYNTAX.test(name) ? undefined : "must be a lowercase RFC 1123 subdomain (a-z, 0-9, '-', '.', starting and ending alphanumeric)";
}

export function isDnsLabel(name: string): boolean {
    return dns1123Label(name) === undefined;
}

/**
 * Whether `name` is a DNS name as a host of Istio's or the Gateway API's: a DNS-1123 subdomain of at most 253
 * characters whose labels have at most 63, with at least one dot (a bare label is a short name, resolved
 * against a namespace). `wildcard`: `*.example.com` is accepted too.
 */
export function isDnsName(name: string, opts: { wildcard?: boolean } = {}): boolean {
    return (opts.wildcard ? WILDCARD_DNS_NAME : DNS_NAME).test(name);
}

/** A DNS name of at least two labels (see isDnsName), as a pattern for the config reader's string rules. */
export const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** A DNS name with an optional leading `*.` (the wildcard counts toward no limit: Istio checks the rest). */
export const WILDCARD_DNS_NAME = /^(\*\.)?(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * Why `key` is not a label or annotation key (`[prefix/]name`), or undefined when it is: the prefix a DNS
 * subdomain, the name 1-63 alphanumerics, '-', '_' or '.', starting and ending alphanumeric.
 */
export function labelKey(key: string): string | undefined {
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

export function isLabelKey(key: string): boolean {
    return labelKey(key) === undefined;
}

export function isLabelValue(value: string): boolean {
    return labelValue(value) === undefined;
}
