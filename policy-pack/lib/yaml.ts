/**
 * YAML as kubectl reads manifests, for every reader of manifests in the pack (`npm run guard`, `npm run
 * validate`, the mesh config inside istiod's ConfigMap). kubectl converts YAML to JSON with sigs.k8s.io/yaml,
 * which parses with its fork of go-yaml v2: YAML 1.1 scalars, not 1.2's. So `yes`, `no`, `on`, `off`, `y`, `n`
 * are booleans (an unquoted `yes` in an annotation fails on the API server and must fail here too), `0755` is
 * octal, `1_000` is 1000, and dates stay strings. (Stack files are read as Pulumi reads them, YAML 1.2: see
 * config/yaml-source.ts.)
 */
import { CORE_SCHEMA, Type } from "js-yaml";

const TRUE = /^(y|Y|yes|Yes|YES|true|True|TRUE|on|On|ON)$/;
const BOOL = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;

const YAML11_BOOL = new Type("tag:yaml.org,2002:bool", {
    kind: "scalar",
    resolve: (data: string) => BOOL.test(data),
    construct: (data: string) => TRUE.test(data),
    predicate: (v: unknown) => typeof v === "boolean",
    represent: (v: object) => String(v),
});

/** go-yaml v2 drops `_` and reads integers as Go's strconv.ParseInt(s, 0, 64): `0x`, `0o`, `0b` and a leading 0 (octal). */
const GO_INT = /^[-+]?(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|0[0-7_]*|[1-9][0-9_]*)$/;

function goInt(data: string): number {
    const s = data.replace(/_/g, "");
    const sign = s.startsWith("-") ? -1 : 1;
    const body = s.replace(/^[-+]/, "");
    if (/^0[xX]/.test(body)) return sign * parseInt(body.slice(2), 16);
    if (/^0[oO]/.test(body)) return sign * parseInt(body.slice(2), 8);
    if (/^0[bB]/.test(body)) return sign * parseInt(body.slice(2), 2);
    if (body.length > 1 && body.startsWith("0")) return sign * parseInt(body.slice(1), 8);
    return sign * parseInt(body, 10);
}

const GO_YAML_INT = new Type("tag:yaml.org,2002:int", {
    kind: "scalar",
    resolve: (data: string) => GO_INT.test(data) && /[0-9]/.test(data),
    construct: goInt,
    predicate: (v: unknown) => typeof v === "number" && Number.isInteger(v),
    represent: (v: object) => String(v),
});

/** The js-yaml schema of kubectl's reading: core types with YAML 1.1 booleans and Go's integers. */
export const KUBECTL_SCHEMA = CORE_SCHEMA.extend({ implicit: [YAML11_BOOL, GO_YAML_INT] });

/**
 * A parsed document as a value of its own, for readers that keep many (the checker holds every object for its
 * whole run). js-yaml's strings are slices of the document's text, so one string kept keeps the whole text, and
 * its arrays keep room to grow (17 slots for one item): together nearly twice the memory of the plain value. A
 * JSON round trip copies the value into exact-size arrays and objects and strings of their own, and costs no
 * more time than the garbage collector saves by not keeping js-yaml's. It is exact for a tree of JSON values
 * only, so a document that may have an alias (an `&` anywhere in its text: aliases share a node) or that has a
 * number JSON cannot write (NaN, Infinity, -0) stays as parsed.
 */
export function compactDocument(value: unknown, text: string): unknown {
    if (value === null || typeof value !== "object" || text.includes("&") || !jsonExact(value)) return value;
    return JSON.parse(JSON.stringify(value));
}

function jsonExact(v: unknown): boolean {
    if (typeof v === "number") return Number.isFinite(v) && !Object.is(v, -0);
    if (v === null || typeof v !== "object") return true;
    if (Array.isArray(v)) {
        for (const x of v) if (!jsonExact(x)) return false;
        return true;
    }
    for (const k in v) if (!jsonExact((v as Record<string, unknown>)[k])) return false;
    return true;
}
