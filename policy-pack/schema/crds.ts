/**
 * Finds and loads the CustomResourceDefinitions the validator checks against: Istio's from the
 * pinned chart, cert-manager, MetalLB and prometheus-operator from `shared/crds/`, and any extra
 * directories named in `ISTIO_MESH_CRDS`. A later source replaces an earlier one kind by kind, so
 * pointing `ISTIO_MESH_CRDS` at the CRDs of a newer release shows at once what no longer fits.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ISTIO_VERSION } from "../../domain/version";
import { KindSchema, SchemaNode } from "./types";

/** The Istio version whose chart (and CRDs) the project pins: domain/version's, the program's default. */
export { ISTIO_VERSION };

/** The project root: the nearest ancestor with the `istio-mesh` package.json (works from dist/ too). */
export function repoRoot(from: string = __dirname): string {
    let dir = from;
    for (;;) {
        const pkg = path.join(dir, "package.json");
        if (fs.existsSync(pkg)) {
            try {
                if (JSON.parse(fs.readFileSync(pkg, "utf8")).name === "istio-mesh") return dir;
            } catch {
                // An unreadable package.json is not the root; keep walking.
            }
        }
        const parent = path.dirname(dir);
        if (parent === dir) return process.cwd();
        dir = parent;
    }
}

/** `$ISTIO_MESH_SHARED`, else `<repo>/../shared`. */
export function sharedDir(env: NodeJS.ProcessEnv = process.env): string {
    return env.ISTIO_MESH_SHARED || path.resolve(repoRoot(), "..", "shared");
}

/** `$ISTIO_MESH_CHARTS`, else `<shared>/istio-charts/<pinned version>`. */
export function istioChartsDir(env: NodeJS.ProcessEnv = process.env): string {
    return env.ISTIO_MESH_CHARTS || path.join(sharedDir(env), "istio-charts", ISTIO_VERSION);
}

/** The CRD files and directories to load, in order of increasing precedence. */
export function crdSources(env: NodeJS.ProcessEnv = process.env): string[] {
    const sources = [path.join(istioChartsDir(env), "base", "files", "crd-all.gen.yaml")];
    const crds = path.join(sharedDir(env), "crds");
    if (fs.existsSync(crds)) sources.push(crds);
    for (const extra of (env.ISTIO_MESH_CRDS ?? "").split(":")) {
        if (extra.trim() !== "") sources.push(path.resolve(extra.trim()));
    }
    return sources;
}

const isLowerAlnum = (c: number) => (c >= 97 && c <= 122) || (c >= 48 && c <= 57);

/**
 * `a.localeCompare(b)`, without the collator where the answer is plain: when the first character that differs
 * is a lowercase letter or a digit in both names, the collation orders them as their codes do. The collator
 * costs over 10 ms to set up, a tenth of a small checker run.
 */
export function compareNames(a: string, b: string): number {
    const n = Math.min(a.length, b.length);
    let i = 0;
    while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
    if (i < n && isLowerAlnum(a.charCodeAt(i)) && isLowerAlnum(b.charCodeAt(i))) return a.charCodeAt(i) - b.charCodeAt(i);
    return a.localeCompare(b);
}

/** Every `.yaml`/`.yml`/`.json` file under `p` (or `p` itself), sorted for a stable order. */
export function yamlFiles(p: string): string[] {
    const stat = fs.statSync(p);
    if (stat.isFile()) return [p];
    const out: string[] = [];
    for (const entry of fs.readdirSync(p, { withFileTypes: true }).sort((a, b) => compareNames(a.name, b.name))) {
        const full = path.join(p, entry.name);
        if (entry.isDirectory()) out.push(...yamlFiles(full));
        else if (/\.(ya?ml|json)$/.test(entry.name)) out.push(full);
    }
    return out;
}

interface CrdVersion {
    name: string;
    served?: boolean;
    schema?: { openAPIV3Schema?: SchemaNode };
}

interface Crd {
    kind: string;
    metadata?: { name?: string };
    spec?: {
        group: string;
        scope?: string;
        names: { kind: string };
        versions?: CrdVersion[];
        validation?: { openAPIV3Schema?: SchemaNode };
    };
}

/** The kinds one CRD document defines, one per version. */
export function kindsOfCrd(crd: Crd, file?: string): KindSchema[] {
    const spec = crd.spec;
    if (crd.kind !== "CustomResourceDefinition" || !spec) return [];
    const out: KindSchema[] = [];
    for (const v of spec.versions ?? []) {
        const schema = v.schema?.openAPIV3Schema ?? spec.validation?.openAPIV3Schema;
        if (!schema) continue;
        out.push({
            apiVersion: `${spec.group}/${v.name}`,
            kind: spec.names.kind,
            origin: "crd",
            source: crd.metadata?.name ?? `${spec.names.kind}.${spec.group}`,
            file,
            served: v.served !== false,
            namespaced: spec.scope !== "Cluster",
            schema,
        });
    }
    return out;
}

/**
 * Where parsed CRD files are cached as JSON (`$ISTIO_MESH_SCHEMA_CACHE`, `off` to disable). Parsing
 * Istio's 18,000-line CRD file takes over a second; reading the cached JSON takes milliseconds.
 */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
    const dir = env.ISTIO_MESH_SCHEMA_CACHE ?? path.join(os.tmpdir(), "istio-mesh-schema-cache");
    return dir === "off" ? undefined : dir;
}

/**
 * Documents parsed before this process started, by the sha256 of their file's bytes: filled only by
 * {@link preloadCrds} while the checker's start-up snapshot is built, so a run that starts from the
 * snapshot finds the CRDs already parsed whenever their files still hold the same bytes.
 */
const preloaded = new Map<string, unknown[]>();

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

/** The documents of a YAML file, from the cache when its content was parsed before. */
export function readDocuments(file: string): unknown[] {
    // The bytes are hashed as read; decoding them is left for when they were not parsed before.
    const bytes = fs.readFileSync(file);
    const ready = preloaded.size > 0 ? preloaded.get(sha256(bytes)) : undefined;
    if (ready) return ready;
    const text = bytes.toString("utf8");
    const hash = sha256(text);
    const dir = cacheDir();
    const cached = dir && path.join(dir, `${hash}.json`);
    if (cached && fs.existsSync(cached)) {
        try {
            return JSON.parse(fs.readFileSync(cached, "utf8")) as unknown[];
        } catch {
            // A torn or foreign cache file: parse the YAML again below.
        }
    }
    const docs: unknown[] = [];
    // Loaded here, not at the top: with a warm cache the YAML parser is never needed.
    const { parseAllDocuments } = require("yaml") as typeof import("yaml");
    for (const doc of parseAllDocuments(text)) {
        if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
        docs.push(doc.toJS({ maxAliasCount: -1 }));
    }
    if (dir && cached) {
        try {
            fs.mkdirSync(dir, { recursive: true });
            const tmp = `${cached}.${process.pid}.tmp`;
            fs.writeFileSync(tmp, JSON.stringify(docs));
            fs.renameSync(tmp, cached);
        } catch {
            // The cache only saves time; a read-only temp dir is not an error.
        }
    }
    return docs;
}

/** The lookup key of a kind. */
export function kindKey(apiVersion: string, kind: string): string {
    return `${apiVersion}:${kind}`;
}

/**
 * Loads every CRD under `sources` into a map by apiVersion and kind. A later source replaces the
 * kinds of a group it also defines, so a newer CRD set drops versions the older one served.
 */
export function loadCrds(sources: string[] = crdSources()): Map<string, KindSchema> {
    const byKey = new Map<string, KindSchema>();
    for (const source of sources) {
        if (!fs.existsSync(source)) throw new Error(`CRD source ${source} does not exist (check ISTIO_MESH_SHARED, ISTIO_MESH_CHARTS, ISTIO_MESH_CRDS)`);
        for (const file of yamlFiles(source)) {
            const fromFile = new Map<string, KindSchema[]>();
            for (const crd of readDocuments(file) as (Crd | null)[]) {
                if (!crd || typeof crd !== "object") continue;
                for (const k of kindsOfCrd(crd, file)) {
                    const groupKind = `${k.apiVersion.split("/")[0]}:${k.kind}`;
                    fromFile.set(groupKind, [...(fromFile.get(groupKind) ?? []), k]);
                }
            }
            for (const [groupKind, kinds] of fromFile) {
                for (const [key, existing] of byKey) {
                    if (`${existing.apiVersion.split("/")[0]}:${existing.kind}` === groupKind) byKey.delete(key);
                }
                for (const k of kinds) byKey.set(kindKey(k.apiVersion, k.kind), k);
            }
        }
    }
    return byKey;
}

/**
 * A copy of a schema without the `description` of any node. Descriptions are most of a CRD's text and no
 * check reads them; only schema nodes lose theirs (a property named `description`, or a default holding
 * one, stays). Key order is kept: messages list a node's known fields in it.
 */
export function withoutDescriptions(node: SchemaNode): SchemaNode {
    if (typeof node !== "object" || node === null || Array.isArray(node)) return node;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
        if (k === "description" && typeof v === "string") continue;
        if (k === "properties" && typeof v === "object" && v !== null) {
            const props: Record<string, SchemaNode> = {};
            for (const [name, p] of Object.entries(v as Record<string, SchemaNode>)) props[name] = withoutDescriptions(p);
            out[k] = props;
        } else if (k === "additionalProperties" || k === "items" || k === "not") {
            out[k] = Array.isArray(v) ? v.map(withoutDescriptions) : withoutDescriptions(v as SchemaNode);
        } else if ((k === "allOf" || k === "anyOf" || k === "oneOf") && Array.isArray(v)) {
            out[k] = v.map(withoutDescriptions);
        } else {
            out[k] = v;
        }
    }
    return out as SchemaNode;
}

/**
 * Parses the CRD files of `sources` into memory for {@link readDocuments} and returns their kinds, their
 * schemas without descriptions (which keeps the snapshot small). Called only while the start-up snapshot is
 * built; a run whose CRD files differ reads them as usual.
 */
export function preloadCrds(sources: string[] = crdSources()): KindSchema[] {
    const kinds: KindSchema[] = [];
    for (const source of sources) {
        if (!fs.existsSync(source)) continue;
        for (const file of yamlFiles(source)) {
            const bytes = fs.readFileSync(file);
            const docs = readDocuments(file);
            for (const crd of docs as (Crd | null)[]) {
                if (!crd || typeof crd !== "object") continue;
                for (const v of crd.spec?.versions ?? []) {
                    if (v.schema?.openAPIV3Schema) v.schema.openAPIV3Schema = withoutDescriptions(v.schema.openAPIV3Schema);
                }
                const legacy = crd.spec?.validation;
                if (legacy?.openAPIV3Schema) legacy.openAPIV3Schema = withoutDescriptions(legacy.openAPIV3Schema);
                kinds.push(...kindsOfCrd(crd, file));
            }
            preloaded.set(sha256(bytes), docs);
        }
    }
    return kinds;
}
