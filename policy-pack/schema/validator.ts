/**
 * The validator: finds the schema of an object's apiVersion/kind (a CRD version or a built-in
 * kind), checks `metadata` as the API server does for every object, and walks the rest of the
 * object through the structural schema and its CEL rules. Schemas are loaded once and reused.
 */
// The module's Buffer: the global one is a getter Node runs on every use.
import { Buffer } from "buffer";
import { BuiltinModels, clientNodeVersion } from "./builtin";
import { crdSources, kindKey, loadCrds } from "./crds";
import { dns1123Label, dns1123Subdomain, labelValue, qualifiedName } from "./formats";
import { checkRules, walk, WalkContext } from "./structural";
import { Finding, KindSchema, ResourceRef, SchemaNode } from "./types";

/** Per-call options. */
export interface ValidateOptions {
    /** Values still unknown (Pulumi preview): they and everything under them are skipped. */
    isUnknown?: (value: unknown) => boolean;
    /** Whether a missing metadata.name (and generateName) is a finding; off where names are generated. */
    requireName?: boolean;
    /** Whether an apiVersion/kind without a schema is a finding (default) or is skipped. */
    ignoreMissingSchemas?: boolean;
    /**
     * Skip kinds without a schema only when no loaded CRD has their API group: a group the CRDs
     * define but whose version or kind they lack (a version a chart upgrade dropped) is still reported.
     */
    ignoreUnknownGroups?: boolean;
}

/** Options of a validator. */
export interface ValidatorOptions {
    /** CRD files or directories, in increasing precedence; defaults to {@link crdSources}. */
    crdSources?: string[];
}

/** Names of Namespaces and Services are DNS labels; most other names are DNS subdomains. */
const LABEL_NAMED = new Set(["Namespace", "Service"]);
const ANNOTATIONS_MAX_BYTES = 256 * 1024;
const never = () => false;
/** One node for every object's metadata, so its plan is made once (plans are kept per schema node). */
const OBJECT_META: SchemaNode = { $model: "V1ObjectMeta" };

function str(v: unknown): string | undefined {
    return typeof v === "string" ? v : undefined;
}

/** The identity of an object as findings show it. */
export function resourceRef(obj: Record<string, unknown>): ResourceRef {
    const meta = (obj.metadata ?? {}) as Record<string, unknown>;
    const ref: ResourceRef = { apiVersion: str(obj.apiVersion) ?? "", kind: str(obj.kind) ?? "" };
    const ns = str(meta.namespace);
    const name = str(meta.name) ?? str(meta.generateName);
    if (ns !== undefined) ref.namespace = ns;
    if (name !== undefined) ref.name = name;
    return ref;
}

/** Validates Kubernetes objects against CRD schemas, their CEL rules and built-in kinds. */
export class SchemaValidator {
    private crds: Map<string, KindSchema> | undefined;
    private readonly builtins = new BuiltinModels();
    private readonly builtinKinds = new Map<string, KindSchema | null>();
    private readonly sources: string[];

    constructor(options: ValidatorOptions = {}) {
        this.sources = options.crdSources ?? crdSources();
    }

    /** Every CRD kind and version loaded (loading them on first use). */
    crdKinds(): KindSchema[] {
        this.crds ??= loadCrds(this.sources);
        return [...this.crds.values()];
    }

    private groups: Set<string> | undefined;

    /** The API groups of the loaded CRDs. */
    crdGroups(): Set<string> {
        this.groups ??= new Set(this.crdKinds().map((k) => k.apiVersion.split("/")[0]));
        return this.groups;
    }

    /** The schema of an apiVersion/kind: a CRD version first, then a built-in kind. */
    schemaFor(apiVersion: string, kind: string): KindSchema | undefined {
        this.crds ??= loadCrds(this.sources);
        const key = kindKey(apiVersion, kind);
        const crd = this.crds.get(key);
        if (crd) return crd;
        let builtin = this.builtinKinds.get(key);
        if (builtin === undefined) {
            builtin = this.builtins.kind(apiVersion, kind) ?? null;
            this.builtinKinds.set(key, builtin);
        }
        return builtin ?? undefined;
    }

    private missingSchema(ref: ResourceRef): string {
        const group = ref.apiVersion.includes("/") ? ref.apiVersion.split("/")[0] : "";
        const served = this.crdKinds()
            .filter((k) => k.kind === ref.kind && k.apiVersion.split("/")[0] === group)
            .map((k) => k.apiVersion);
        if (served.length > 0) {
            return `${ref.apiVersion} does not define ${ref.kind}; the CRD defines ${served.join(", ")}`;
        }
        return (
            `no schema for ${ref.apiVersion} ${ref.kind}: not a CRD under ${this.sources.join(", ")} ` +
            `nor a built-in kind known to @kubernetes/client-node ${clientNodeVersion()}`
        );
    }

    /** Validates one object; returns its findings (none when it conforms). */
    validate(obj: unknown, options: ValidateOptions = {}): Finding[] {
        if (typeof obj !== "object" || obj === null || Array.isArray(obj)) {
            const resource = { apiVersion: "", kind: "" };
            return [{ resource, path: "", rule: "type", location: "object", message: "a Kubernetes object must be a mapping", value: obj }];
        }
        const o = obj as Record<string, unknown>;
        const resource = resourceRef(o);
        const isUnknown = options.isUnknown ?? never;
        const findings: Finding[] = [];
        const top = (rule: string, path: string, message: string, value?: unknown) => {
            const f: Finding = { resource, path, rule, location: "object", message };
            if (value !== undefined) f.value = value;
            findings.push(f);
        };
        if (!resource.apiVersion || !resource.kind) {
            if (!isUnknown(o.apiVersion) && !isUnknown(o.kind))
                top("required", resource.apiVersion ? "kind" : "apiVersion", "apiVersion and kind are required");
            return findings;
        }
        const kind = this.schemaFor(resource.apiVersion, resource.kind);
        if (!kind) {
            const group = resource.apiVersion.includes("/") ? resource.apiVersion.split("/")[0] : "";
            const skip = options.ignoreMissingSchemas || (options.ignoreUnknownGroups && !this.crdGroups().has(group));
            if (!skip) top("unknown-kind", "", this.missingSchema(resource));
            return findings;
        }
        if (!kind.served)
            top("served", "apiVersion", `${resource.apiVersion} ${resource.kind} is defined but not served by ${kind.source}`, resource.apiVersion);
        const ctx: WalkContext = {
            resource,
            source: this.sourceOf(kind),
            findings,
            resolve: (s) => this.builtins.model(s.$model as string),
            isUnknown,
            previewUnknowns: options.isUnknown !== undefined,
            nullIsAbsent: kind.origin === "builtin",
            memo: undefined,
        };
        this.checkMetadata(ctx, o.metadata, kind, options);
        // apiVersion, kind and metadata are implicit in every object, whatever the CRD declares.
        const { metadata: _m, apiVersion: _a, kind: _k, ...rest } = o;
        const root = kind.origin === "crd" ? "openAPIV3Schema" : "#";
        walk(ctx, rest, this.bodySchema(kind), "", root);
        // Rules on the root see the whole object, metadata included, as in the API server.
        const rootRules = kind.schema["x-kubernetes-validations"];
        if (rootRules && rootRules.length > 0) checkRules(ctx, o, kind.schema, rootRules, "", root);
        return findings;
    }

    private readonly findingSources = new Map<KindSchema, string>();

    /** Where findings say a kind's rules come from: the CRD and version (the object's), or the model. */
    private sourceOf(kind: KindSchema): string {
        let source = this.findingSources.get(kind);
        if (source === undefined) {
            source = `${kind.source}${kind.origin === "crd" ? ` ${kind.apiVersion.split("/")[1]}` : ""}`;
            this.findingSources.set(kind, source);
        }
        return source;
    }

    private readonly bodies = new WeakMap<KindSchema, SchemaNode>();

    /** The kind's schema without the implicit apiVersion, kind and metadata (checked separately). */
    private bodySchema(kind: KindSchema): SchemaNode {
        let body = this.bodies.get(kind);
        if (!body) {
            const { apiVersion: _a, kind: _k, metadata: _m, ...properties } = kind.schema.properties ?? {};
            const { "x-kubernetes-validations": _rules, ...rest } = kind.schema;
            body = { ...rest, properties };
            this.bodies.set(kind, body);
        }
        return body;
    }

    private checkMetadata(ctx: WalkContext, metadata: unknown, kind: KindSchema, options: ValidateOptions): void {
        const at = (path: string, message: string, value?: unknown, rule = "metadata") => {
            const f: Finding = { resource: ctx.resource, path, rule, location: "ObjectMeta", message };
            if (value !== undefined) f.value = value;
            ctx.findings.push(f);
        };
        if (ctx.isUnknown(metadata)) return;
        if (metadata === undefined || metadata === null) {
            if (options.requireName !== false) at("metadata", "metadata.name is required", undefined, "required");
            return;
        }
        walk({ ...ctx, nullIsAbsent: true }, metadata, OBJECT_META, "metadata", "ObjectMeta");
        const crdMeta = kind.schema.properties?.metadata;
        if (crdMeta?.properties) {
            walk(ctx, metadata, { ...crdMeta, "x-kubernetes-preserve-unknown-fields": true }, "metadata", "openAPIV3Schema.properties.metadata");
        }
        if (typeof metadata !== "object" || Array.isArray(metadata)) return;
        const m = metadata as Record<string, unknown>;
        if (typeof m.name === "string" && !ctx.isUnknown(m.name)) {
            const bad = LABEL_NAMED.has(ctx.resource.kind) ? dns1123Label(m.name) : dns1123Subdomain(m.name);
            if (bad) at("metadata.name", `name ${bad}`, m.name);
        } else if (m.name === undefined && m.generateName === undefined && options.requireName !== false) {
            at("metadata.name", "metadata.name is required (or metadata.generateName)", undefined, "required");
        }
        if (typeof m.namespace === "string" && !ctx.isUnknown(m.namespace)) {
            const bad = dns1123Label(m.namespace);
            if (bad) at("metadata.namespace", `namespace ${bad}`, m.namespace);
            if (!kind.namespaced) at("metadata.namespace", `${ctx.resource.kind} is cluster-scoped and takes no namespace`, m.namespace);
        }
        this.checkStringMap(ctx, m.labels, "metadata.labels", true, at);
        this.checkStringMap(ctx, m.annotations, "metadata.annotations", false, at);
    }

    private checkStringMap(
        ctx: WalkContext,
        map: unknown,
        path: string,
        isLabels: boolean,
        at: (path: string, message: string, value?: unknown) => void,
    ): void {
        if (typeof map !== "object" || map === null || Array.isArray(map)) return;
        let bytes = 0;
        for (const [k, v] of Object.entries(map)) {
            if (ctx.isUnknown(v)) continue;
            const keyBad = qualifiedName(k);
            if (keyBad) at(`${path}[${k}]`, `key ${JSON.stringify(k)}: ${keyBad}`, k);
            if (typeof v === "string") {
                // Only annotations have a size limit.
                if (!isLabels) bytes += Buffer.byteLength(k) + Buffer.byteLength(v);
                const valueBad = isLabels ? labelValue(v) : undefined;
                if (valueBad) at(`${path}[${k}]`, `label value ${valueBad}`, v);
            }
        }
        if (!isLabels && bytes > ANNOTATIONS_MAX_BYTES) at(path, `annotations total ${bytes} bytes; must be at most 256 KiB`, bytes);
    }
}
