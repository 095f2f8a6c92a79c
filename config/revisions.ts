/**
 * Control-plane revisions and revision tags (`istio-mesh:istio.revisions`, `istio-mesh:istio.tags`): several
 * istiods side by side for canary upgrades, and the stable names namespaces and gateways enrol with.
 * Pure: parsing, the skew and naming rules, and how a revision or tag resolves.
 */
import { DNS_LABEL, DNS_LABEL_HINT, Field, show } from "./field";
import type { ChartSource } from "./chart-source";

/** One istiod control plane. `name` "default" is Istio's unrevisioned control plane (release `istiod`). */
export interface RevisionConfig {
    name: string;
    /** Istio release of this revision's istiod chart and images. */
    version: string;
    chart: ChartSource;
    /** Image registry for this revision (defaults to istio.hub). */
    hub?: string;
    /** Raw istiod chart values of this revision only, merged after controlPlane.values. */
    values: Record<string, unknown>;
}

/** Istio's unrevisioned control plane: its objects carry no suffix and it serves `istio-injection=enabled`. */
export const DEFAULT_REVISION = "default";

/**
 * How many minor versions revisions of one mesh may be apart. Istio supports canary (revision-based)
 * upgrades across at most two minor versions, and proxies one minor version behind their istiod
 * (istio.io/latest/docs/releases/supported-releases/, "Control Plane/Data Plane Skew"; docs/upgrade.md).
 */
export const MAX_MINOR_SKEW = 2;

export interface IstioVersion {
    major: number;
    minor: number;
    patch: number;
}

/** The one reader of Istio release versions (`1.30.3`, `1.31.0-beta.1`); the config pattern checked the form. */
export function istioVersion(v: string): IstioVersion {
    const [major, minor, patch] = v.split("-")[0].split(".").map(Number);
    return { major, minor, patch };
}

export function compareVersions(a: string, b: string): number {
    const x = istioVersion(a);
    const y = istioVersion(b);
    return x.major - y.major || x.minor - y.minor || x.patch - y.patch || a.localeCompare(b);
}

/** The revisions from the oldest version to the newest (ties by name), so "oldest" and "newest" are stable. */
export function byVersion(revisions: readonly RevisionConfig[]): RevisionConfig[] {
    return [...revisions].sort((a, b) => compareVersions(a.version, b.version) || a.name.localeCompare(b.name));
}

/** A revision name that spells a version (`1-30-3`) must spell its own. */
const VERSION_NAME = /^(\d+)-(\d+)-(\d+)$/;

export interface RevisionFields {
    revisions: Field;
    tags: Field;
}

/**
 * Reads `revisions` (name to `{version, chartRepo | chartDir, hub, values}`) with the section's own
 * readers of versions, registries and chart sources, and `tags` (tag to revision name). Problems are recorded on the fields.
 */
export function parseRevisions(
    f: RevisionFields,
    read: { version: (f: Field) => string | undefined; hub: (f: Field) => string | undefined; source: (repo: Field, dir: Field) => ChartSource },
): { revisions: RevisionConfig[]; tags: Record<string, string> } {
    const revisions: RevisionConfig[] = [];
    const map =
        f.revisions.map((r, name) => {
            if (!DNS_LABEL.test(name)) {
                return r.problem(`is not a valid revision name: must be ${DNS_LABEL_HINT}, e.g. 1-30-3 (dots are not allowed in a revision)`);
            }
            const o = r.object(["version", "chartRepo", "chartDir", "hub", "values"]);
            if (!o) {
                return undefined;
            }
            if (!o.version.isSet) {
                return o.version.problem("required: the Istio release this revision runs, e.g. 1.30.3");
            }
            const version = read.version(o.version);
            if (!version) {
                return undefined;
            }
            const spelled = VERSION_NAME.exec(name);
            if (spelled && `${spelled[1]}.${spelled[2]}.${spelled[3]}` !== version.split("-")[0]) {
                return o.version.problem(
                    `is ${version}, but the revision's name ${name} says ${spelled.slice(1).join(".")}: name a revision after the version it runs, or pick a name that is not a version`,
                );
            }
            const rev: RevisionConfig = {
                name,
                version,
                chart: read.source(o.chartRepo, o.chartDir),
                values: o.values.record() ?? {},
            };
            const hub = read.hub(o.hub);
            if (hub) rev.hub = hub;
            return rev;
        }) ?? {};
    if (f.revisions.isSet && f.revisions.isObject() && Object.keys(f.revisions.value as object).length === 0) {
        f.revisions.problem("must declare at least one revision: a mesh needs a control plane");
    }
    revisions.push(...Object.values(map));
    checkSkew(f.revisions, revisions);

    const names = new Set(revisions.map((r) => r.name));
    const tags: Record<string, string> = {};
    for (const [tag, target] of Object.entries(f.tags.map((t, tag) => readTag(t, tag, names)) ?? {})) {
        tags[tag] = target;
    }
    return { revisions, tags };
}

function readTag(t: Field, tag: string, revisions: ReadonlySet<string>): string | undefined {
    if (!DNS_LABEL.test(tag)) {
        return t.problem(`is not a valid revision tag: must be ${DNS_LABEL_HINT}, e.g. prod-stable`);
    }
    const target = t.string(undefined, { pattern: DNS_LABEL, patternHint: `the name of a revision under istio.revisions` });
    if (target === undefined) {
        return t.isSet ? undefined : t.problem("must name a revision under istio.revisions");
    }
    if (tag === DEFAULT_REVISION && revisions.has(DEFAULT_REVISION)) {
        return t.problem("conflicts with the revision named default, whose injector already serves istio-injection=enabled: keep one of the two");
    }
    if (revisions.has(tag)) {
        return t.problem(`is also the name of a revision: istio.io/rev=${tag} would be ambiguous (Istio refuses a tag named like a revision); rename the tag`);
    }
    if (revisions.size > 0 && !revisions.has(target)) {
        // Kept (the problem fails the parse): what names this tag is then not reported as unknown too.
        t.problem(
            `points to ${show(target)}, which is not a revision under istio.revisions (declared: ${[...revisions].join(", ")}); a tag points to a revision, never to another tag; a revision can only be removed once no tag points to it`,
        );
    }
    return target;
}

/** Refuses revisions further apart than Istio supports between control planes of one mesh. */
function checkSkew(f: Field, revisions: readonly RevisionConfig[]): void {
    if (revisions.length < 2) {
        return;
    }
    const sorted = byVersion(revisions);
    const oldest = sorted[0];
    const newest = sorted[sorted.length - 1];
    const a = istioVersion(oldest.version);
    const b = istioVersion(newest.version);
    if (a.major !== b.major || b.minor - a.minor > MAX_MINOR_SKEW) {
        f.child(newest.name).problem(
            `runs ${newest.version}, more than ${MAX_MINOR_SKEW} minor versions ahead of revision ${oldest.name} (${oldest.version}): Istio supports canary upgrades across at most ${MAX_MINOR_SKEW} minor versions; upgrade through an intermediate release and remove ${oldest.name} first`,
        );
    }
}

/** The revision a revision name or tag selects, or undefined when neither is declared. */
export function resolveRevision(
    istio: { revisions: readonly RevisionConfig[]; tags: Readonly<Record<string, string>> },
    nameOrTag: string,
): RevisionConfig | undefined {
    const name = istio.tags[nameOrTag] ?? nameOrTag;
    return istio.revisions.find((r) => r.name === name);
}

/**
 * The revision the base chart's `istiod-default-validator` and `istio-injection=enabled` belong to, as
 * Istio defines it: the target of the tag `default`, else the revision named `default`, else `fallback`
 * (the revision unpinned namespaces use).
 */
export function defaultRevisionOf(istio: { revisions: readonly RevisionConfig[]; tags: Readonly<Record<string, string>> }, fallback: string): string {
    return istio.tags[DEFAULT_REVISION] ?? (istio.revisions.some((r) => r.name === DEFAULT_REVISION) ? DEFAULT_REVISION : fallback);
}
