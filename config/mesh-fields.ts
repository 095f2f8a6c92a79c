/**
 * Readers shared by the mesh sections: durations as Istio's CRDs accept them, HTTP methods, Kubernetes
 * labels. Each reads one field and records a problem naming the fix, like the readers of field.ts.
 */
import { durationMs as domainDurationMs } from "../domain/duration";
import { isLabelKey, isLabelValue } from "../domain/names";
import { Field, show } from "./field";

export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"] as const;

const DURATION_HINT = "a duration of at least 1ms such as 250ms, 5s or 1m30s";

/** @deprecated use domain/duration: milliseconds in a Go duration ("1m30s"), or undefined when the text is not one. */
export const durationMs = domainDurationMs;

/** Reads a duration; Istio's CRDs reject anything below 1ms (`duration(self) >= duration('1ms')`). */
export function readDuration(f: Field): string | undefined {
    const text = f.string();
    if (text === undefined) {
        return undefined;
    }
    const ms = durationMs(text);
    if (ms === undefined || ms < 1) {
        return f.problem(`must be ${DURATION_HINT} (got ${show(text)})`);
    }
    return text;
}

export function readMethod(f: Field): string | undefined {
    const method = f.string();
    if (method === undefined || (HTTP_METHODS as readonly string[]).includes(method)) {
        return method;
    }
    const upper = method.toUpperCase();
    const hint = (HTTP_METHODS as readonly string[]).includes(upper) ? `did you mean ${upper}? ` : "";
    return f.problem(`must be an HTTP method in capitals; ${hint}one of ${HTTP_METHODS.join(", ")} (got ${show(method)})`);
}

/** Kubernetes label keys (optional DNS prefix) and values. */
export function readLabels(f: Field, opts: { nonEmpty?: boolean } = {}): Record<string, string> | undefined {
    const labels = f.map((v, key) => {
        if (!isLabelKey(key)) {
            return v.problem("is not a valid label key (letters, digits, '-', '_', '.', at most 63 characters, optional DNS prefix)");
        }
        const value = typeof v.value === "number" || typeof v.value === "boolean" ? String(v.value) : v.string();
        if (value !== undefined && !isLabelValue(value)) {
            return v.problem(`must be a label value: letters, digits, '-', '_', '.', at most 63 characters (got ${show(value)})`);
        }
        return value;
    });
    if (opts.nonEmpty && f.isObject() && Object.keys(f.value as object).length === 0) {
        return f.problem("must have at least one label");
    }
    return labels;
}

/** Drops undefined values, so the resource specs carry only what was set. */
export function prune<T extends object>(o: T): T {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
