/**
 * Helm values conformance: every value path a program sets must be a value of the chart at the
 * pinned version, so a typo (`pilot.replicaCont`) or a key a newer chart dropped fails in tests
 * instead of being silently ignored by Helm. A path is a value of the chart when
 *   - `values.yaml` has it (Istio's charts keep their defaults under `_internal_defaults_do_not_set`), or
 *   - a template or injection template reads it (`.Values.a.b`: profile, platform, ... have no default), or
 *   - it lies under a free-form subtree: one whose default is `{}`, `[]` or null (the chart passes
 *     whatever is there through, e.g. `nodeSelector: {}`), or one in {@link FREE_FORM} below.
 * The gateway chart also ships `values.schema.json`; values must pass it as Helm would check them.
 */
import * as fs from "fs";
import * as path from "path";
import { JsonSchema, validateJsonSchema } from "./json-schema";

/**
 * Subtrees with non-empty defaults that the chart nevertheless passes through as free-form maps
 * (subtrees whose default is `{}`, `[]` or null are free-form without being listed). Keyed by
 * chart name; each entry says why.
 */
export const FREE_FORM: Record<string, Record<string, string>> = {
    istiod: {
        meshConfig: "merged over the generated mesh config (templates/configmap.yaml): its keys are the MeshConfig API",
        resources: "a Kubernetes ResourceRequirements, rendered by the istiod.resources helper",
        "global.defaultResources": "a Kubernetes ResourceRequirements for istiod when resources is empty",
        "global.proxy.resources": "a Kubernetes ResourceRequirements of injected sidecars (toYaml in injection templates)",
        "global.waypoint.resources": "a Kubernetes ResourceRequirements of waypoint proxies",
    },
    gateway: {
        podAnnotations: "pod annotations (toYaml in templates/deployment.yaml); the defaults are only examples of keys",
        labels: "labels put on the gateway's pods and selectors (range in _helpers.tpl)",
        resources: "a Kubernetes ResourceRequirements, rendered by the gateway.resources helper",
    },
    base: {},
};

/** What the checker knows about a chart directory (read once per directory). */
interface Chart {
    name: string;
    version: string;
    /** values.yaml defaults, unwrapped from `_internal_defaults_do_not_set`. */
    defaults: Record<string, unknown>;
    /** Every `.Values` path read by a template, and each of its prefixes. */
    read: Set<string>;
    /** Whether `pilot.x` is an alias of `x` (istiod's templates/zzy_descope_legacy.yaml). */
    pilotAlias: boolean;
    schema?: JsonSchema;
}

const charts = new Map<string, Chart>();

function templateFiles(dir: string): string[] {
    if (!fs.existsSync(dir)) return [];
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) return templateFiles(full);
        return /\.(ya?ml|tpl|txt)$/.test(e.name) ? [full] : [];
    });
}

/** Reads a chart's name, version, defaults, the value paths its templates read and its schema. */
export function loadChart(chartDir: string): Chart {
    const cached = charts.get(chartDir);
    if (cached) return cached;
    // Loaded here, not at the top: only Helm chart resources need it, and the manifest checker rarely sees one.
    const { parse } = require("yaml") as typeof import("yaml");
    const meta = parse(fs.readFileSync(path.join(chartDir, "Chart.yaml"), "utf8")) as { name: string; version: string };
    const raw = (parse(fs.readFileSync(path.join(chartDir, "values.yaml"), "utf8")) ?? {}) as Record<string, unknown>;
    const defaults = (raw._internal_defaults_do_not_set ?? raw) as Record<string, unknown>;
    const read = new Set<string>();
    let pilotAlias = false;
    for (const file of [...templateFiles(path.join(chartDir, "templates")), ...templateFiles(path.join(chartDir, "files"))]) {
        const text = fs.readFileSync(file, "utf8");
        for (const m of text.matchAll(/\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g)) {
            const parts = m[1].slice(1).split(".");
            for (let i = 1; i <= parts.length; i++) read.add(parts.slice(0, i).join("."));
        }
        if (/index \$\.Values "pilot"/.test(text)) pilotAlias = true;
    }
    const schemaFile = path.join(chartDir, "values.schema.json");
    const schema = fs.existsSync(schemaFile) ? (JSON.parse(fs.readFileSync(schemaFile, "utf8")) as JsonSchema) : undefined;
    const chart: Chart = { name: meta.name, version: meta.version, defaults, read, pilotAlias, schema };
    charts.set(chartDir, chart);
    return chart;
}

function isMap(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Whether the default at a path makes everything under it free-form. */
function freeDefault(d: unknown): boolean {
    return d === null || d === undefined || Array.isArray(d) || (isMap(d) && Object.keys(d).length === 0);
}

/** Options of {@link checkChartValues}. */
export interface ValuesOptions {
    /** Values still unknown (Pulumi preview): not judged. */
    isUnknown?: (value: unknown) => boolean;
}

function walkValues(
    chart: Chart,
    values: Record<string, unknown>,
    defaults: Record<string, unknown>,
    at: string,
    shown: string,
    errors: string[],
    isUnknown: (v: unknown) => boolean,
): void {
    const free = FREE_FORM[chart.name] ?? {};
    for (const [key, value] of Object.entries(values)) {
        const p = at === "" ? key : `${at}.${key}`;
        const s = shown === "" ? key : `${shown}.${key}`;
        if (p in free) continue;
        if (isUnknown(value)) {
            if (!(key in defaults) && !chart.read.has(p))
                errors.push(`${s}: not a value of chart ${chart.name} ${chart.version} (values.yaml has no such key)`);
            continue;
        }
        if (!(key in defaults)) {
            if (!chart.read.has(p)) errors.push(`${s}: not a value of chart ${chart.name} ${chart.version} (values.yaml has no such key)`);
            continue;
        }
        const d = defaults[key];
        if (freeDefault(d) || value === null) continue;
        if (isMap(d)) {
            if (isMap(value)) walkValues(chart, value, d, p, s, errors, isUnknown);
            else errors.push(`${s}: must be a map in chart ${chart.name} ${chart.version} (values.yaml has keys ${Object.keys(d).join(", ")} here)`);
        } else if (isMap(value) || Array.isArray(value)) {
            errors.push(`${s}: must be a single value in chart ${chart.name} ${chart.version} (values.yaml has ${JSON.stringify(d)} here)`);
        }
    }
}

function holdsUnknown(value: unknown, isUnknown: (v: unknown) => boolean): boolean {
    if (isUnknown(value)) return true;
    if (typeof value !== "object" || value === null) return false;
    return Object.values(value).some((v) => holdsUnknown(v, isUnknown));
}

/**
 * Checks Helm values against a chart directory; returns one message per problem, each naming the
 * value path (empty when the values conform). For example
 * `pilot.replicaCont: not a value of chart istiod 1.30.3 (values.yaml has no such key)`.
 */
export function checkChartValues(chartDir: string, input: Record<string, unknown>, options: ValuesOptions = {}): string[] {
    const isUnknown = options.isUnknown ?? (() => false);
    // Values as Helm receives them: fields left undefined by a TypeScript builder are simply absent.
    const values = JSON.parse(JSON.stringify(input)) as Record<string, unknown>;
    const chart = loadChart(chartDir);
    const errors: string[] = [];
    for (const reserved of ["_internal_defaults_do_not_set", "defaults"]) {
        if (reserved in values) {
            errors.push(
                `${reserved}: never set this key in chart ${chart.name} ${chart.version}; set the fields under it directly (the chart fails or ignores them)`,
            );
        }
    }
    const { _internal_defaults_do_not_set: _i, defaults: _d, ...rest } = values;
    if (chart.pilotAlias && isMap(rest.pilot)) {
        // istiod copies everything under `pilot` to the top level before rendering.
        walkValues(chart, rest.pilot, chart.defaults, "", "pilot", errors, isUnknown);
        delete rest.pilot;
    }
    walkValues(chart, rest, chart.defaults, "", "", errors, isUnknown);
    if (chart.schema && !holdsUnknown(values, isUnknown)) {
        for (const e of validateJsonSchema(chart.schema, values)) {
            errors.push(`${e} (values.schema.json of chart ${chart.name} ${chart.version})`);
        }
    }
    return errors;
}
