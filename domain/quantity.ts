/**
 * Kubernetes resource quantities (`500m`, `1.5Gi`, `2e3`), exactly as apimachinery's `resource.ParseQuantity`
 * reads them: a signed decimal number, then one suffix of Ki Mi Gi Ti Pi Ei (binary), n u m k M G T P E
 * (decimal) or e/E and an integer exponent. Suffixes are case-sensitive: `512mi`, `1K` and `2ui` are not
 * quantities (the API server refuses them), whatever a reader might guess they mean.
 */

export const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

export const QUANTITY_HINT = "a Kubernetes quantity such as 500m, 512Mi or 2Gi (suffixes are case-sensitive)";

/** Whether a value is a resource.Quantity: a finite number, or a string such as `500m`, `1.5Gi`, `2e3`. */
export function isQuantity(value: unknown): boolean {
    if (typeof value === "number") return Number.isFinite(value);
    return typeof value === "string" && QUANTITY.test(value);
}
