/**
 * Schemas of Kubernetes' built-in kinds, read from the models of `@kubernetes/client-node`
 * (the official client, generated from the Kubernetes OpenAPI spec of the release it names).
 * Each model file carries an `attributeTypeMap` (field names, types, formats) and its `.d.ts`
 * marks optional fields with `?`; together they give the properties, types and required fields.
 * Models are converted lazily, one at a time, because they are recursive and only a few are needed.
 */
import * as fs from "fs";
import * as path from "path";
import { KindSchema, SchemaNode } from "./types";

/** Built-in apiVersion/kind to client-node model; kinds not listed here have no built-in schema. */
export const BUILTIN_KINDS: Record<string, Record<string, string>> = {
    v1: {
        Namespace: "V1Namespace",
        Secret: "V1Secret",
        ConfigMap: "V1ConfigMap",
        Service: "V1Service",
        ServiceAccount: "V1ServiceAccount",
        Pod: "V1Pod",
        Endpoints: "V1Endpoints",
        PersistentVolumeClaim: "V1PersistentVolumeClaim",
        PersistentVolume: "V1PersistentVolume",
        LimitRange: "V1LimitRange",
        ResourceQuota: "V1ResourceQuota",
        ReplicationController: "V1ReplicationController",
        Event: "CoreV1Event",
    },
    "apps/v1": {
        Deployment: "V1Deployment",
        DaemonSet: "V1DaemonSet",
        StatefulSet: "V1StatefulSet",
        ReplicaSet: "V1ReplicaSet",
        ControllerRevision: "V1ControllerRevision",
    },
    "batch/v1": { Job: "V1Job", CronJob: "V1CronJob" },
    "rbac.authorization.k8s.io/v1": {
        Role: "V1Role",
        ClusterRole: "V1ClusterRole",
        RoleBinding: "V1RoleBinding",
        ClusterRoleBinding: "V1ClusterRoleBinding",
    },
    "admissionregistration.k8s.io/v1": {
        MutatingWebhookConfiguration: "V1MutatingWebhookConfiguration",
        ValidatingWebhookConfiguration: "V1ValidatingWebhookConfiguration",
        ValidatingAdmissionPolicy: "V1ValidatingAdmissionPolicy",
        ValidatingAdmissionPolicyBinding: "V1ValidatingAdmissionPolicyBinding",
    },
    "policy/v1": { PodDisruptionBudget: "V1PodDisruptionBudget" },
    "autoscaling/v2": { HorizontalPodAutoscaler: "V2HorizontalPodAutoscaler" },
    "autoscaling/v1": { HorizontalPodAutoscaler: "V1HorizontalPodAutoscaler" },
    "networking.k8s.io/v1": { NetworkPolicy: "V1NetworkPolicy", Ingress: "V1Ingress", IngressClass: "V1IngressClass" },
    "apiextensions.k8s.io/v1": { CustomResourceDefinition: "V1CustomResourceDefinition" },
    "scheduling.k8s.io/v1": { PriorityClass: "V1PriorityClass" },
    "storage.k8s.io/v1": { StorageClass: "V1StorageClass" },
    "discovery.k8s.io/v1": { EndpointSlice: "V1EndpointSlice" },
    "coordination.k8s.io/v1": { Lease: "V1Lease" },
    "certificates.k8s.io/v1": { CertificateSigningRequest: "V1CertificateSigningRequest" },
    "apiregistration.k8s.io/v1": { APIService: "V1APIService" },
};

const CLUSTER_SCOPED = new Set([
    "Namespace",
    "PersistentVolume",
    "ClusterRole",
    "ClusterRoleBinding",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "IngressClass",
    "CustomResourceDefinition",
    "PriorityClass",
    "StorageClass",
    "CertificateSigningRequest",
    "APIService",
]);

/** Map fields whose values are resource.Quantity (a string like `500m` or a bare number). */
const QUANTITY_FIELDS: Record<string, string[]> = {
    V1ResourceRequirements: ["limits", "requests"],
    V1VolumeResourceRequirements: ["limits", "requests"],
    V1LimitRangeItem: ["default", "defaultRequest", "max", "min", "maxLimitRequestRatio"],
    V1ResourceQuotaSpec: ["hard"],
    V1PodSpec: ["overhead"],
    V1PersistentVolumeSpec: ["capacity"],
    V1EmptyDirVolumeSource: ["sizeLimit"],
    V1ResourceFieldSelector: ["divisor"],
    V2MetricTarget: ["averageValue", "value"],
};

/**
 * Enumerations the API server enforces in code rather than in the OpenAPI document (so the
 * generated models cannot carry them); listed for the fields the mesh's own objects use.
 */
const ENUMS: Record<string, Record<string, string[]>> = {
    V1ServiceSpec: {
        type: ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"],
        externalTrafficPolicy: ["Cluster", "Local"],
        internalTrafficPolicy: ["Cluster", "Local"],
        ipFamilyPolicy: ["SingleStack", "PreferDualStack", "RequireDualStack"],
        sessionAffinity: ["ClientIP", "None"],
    },
    V1ServicePort: { protocol: ["TCP", "UDP", "SCTP"] },
    V1ContainerPort: { protocol: ["TCP", "UDP", "SCTP"] },
    V1Container: { imagePullPolicy: ["Always", "Never", "IfNotPresent"] },
    V1PodSpec: { restartPolicy: ["Always", "OnFailure", "Never"], dnsPolicy: ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"] },
    V1DeploymentStrategy: { type: ["Recreate", "RollingUpdate"] },
    V1ValidatingWebhook: { failurePolicy: ["Ignore", "Fail"], sideEffects: ["None", "NoneOnDryRun", "Some", "Unknown"], matchPolicy: ["Exact", "Equivalent"] },
    V1MutatingWebhook: {
        failurePolicy: ["Ignore", "Fail"],
        sideEffects: ["None", "NoneOnDryRun", "Some", "Unknown"],
        matchPolicy: ["Exact", "Equivalent"],
        reinvocationPolicy: ["Never", "IfNeeded"],
    },
    V1PodDisruptionBudgetSpec: { unhealthyPodEvictionPolicy: ["IfHealthyBudget", "AlwaysAllow"] },
};

interface Attribute {
    name: string;
    baseName: string;
    type: string;
    format: string;
}

/**
 * client-node's package.json. Resolved with a require made here rather than the module's own, which
 * the checker's start-up snapshot does not have (only built-in modules are required in a snapshot).
 */
function clientNodePackage(): string {
    const { createRequire } = require("module") as typeof import("module");
    return createRequire(__filename).resolve("@kubernetes/client-node/package.json");
}

/** Where the client-node models live. */
export function modelsDir(): string {
    return path.join(path.dirname(clientNodePackage()), "dist", "gen", "models");
}

let version: string | undefined;

/** The client-node version, for findings and docs. */
export function clientNodeVersion(): string {
    version ??= JSON.parse(fs.readFileSync(clientNodePackage(), "utf8")).version as string;
    return version;
}

/** The generated attribute map and required fields of a model. */
export function readModel(dir: string, model: string): { attributes: Attribute[]; required: Set<string> } {
    const js = fs.readFileSync(path.join(dir, `${model}.js`), "utf8");
    const marker = `${model}.attributeTypeMap = `;
    const start = js.indexOf(marker);
    if (start < 0) throw new Error(`@kubernetes/client-node model ${model} has no attributeTypeMap`);
    const end = js.indexOf("];", start);
    const attributes = JSON.parse(js.slice(start + marker.length, end + 1)) as Attribute[];
    const dts = fs.readFileSync(path.join(dir, `${model}.d.ts`), "utf8");
    const required = new Set<string>();
    for (const m of dts.matchAll(/^ {4}'([^']+)'(\??):/gm)) if (m[2] === "") required.add(m[1]);
    return { attributes, required };
}

/** Converts a client-node type expression into a schema node. */
export function typeToSchema(type: string, format: string): SchemaNode {
    // A format on a list or map applies to its elements (Secret `data` is a map of base64 bytes).
    const array = /^Array<(.+)>$/.exec(type);
    if (array) return { type: "array", items: typeToSchema(array[1], format) };
    const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
    if (map) return { type: "object", additionalProperties: typeToSchema(map[1], format) };
    switch (type) {
        case "string":
            return format ? { type: "string", format } : { type: "string" };
        case "number":
            if (format === "int32" || format === "int64") return { type: "integer", format };
            return { type: "number" };
        case "boolean":
            return { type: "boolean" };
        case "Date":
            return { type: "string", format: "date-time" };
        case "IntOrString":
            return { "x-kubernetes-int-or-string": true };
        case "any":
            return { "x-kubernetes-preserve-unknown-fields": true };
        default:
            if (/^[A-Z][A-Za-z0-9]*$/.test(type)) return { $model: type };
            throw new Error(`unsupported @kubernetes/client-node type ${type}`);
    }
}

/** Lazily converts and caches client-node models as schema nodes. */
export class BuiltinModels {
    private readonly cache = new Map<string, SchemaNode>();
    constructor(private readonly dir: string = modelsDir()) {}

    /** The schema of a model, with properties whose own models stay `$model` references. */
    model(name: string): SchemaNode {
        const cached = this.cache.get(name);
        if (cached) return cached;
        const { attributes, required } = readModel(this.dir, name);
        const properties: Record<string, SchemaNode> = {};
        for (const a of attributes) {
            let node = typeToSchema(a.type, a.format);
            if (QUANTITY_FIELDS[name]?.includes(a.baseName)) {
                node = node.additionalProperties ? { type: "object", additionalProperties: { $quantity: true } } : { $quantity: true };
            }
            const values = ENUMS[name]?.[a.baseName];
            if (values) node = { ...node, enum: values };
            properties[a.baseName] = node;
        }
        const req = attributes.filter((a) => required.has(a.name)).map((a) => a.baseName);
        const schema: SchemaNode = { type: "object", properties, ...(req.length > 0 ? { required: req } : {}) };
        this.cache.set(name, schema);
        return schema;
    }

    /** The built-in kind for an apiVersion/kind, if client-node has it. */
    kind(apiVersion: string, kind: string): KindSchema | undefined {
        const model = BUILTIN_KINDS[apiVersion]?.[kind];
        if (!model) return undefined;
        return {
            apiVersion,
            kind,
            origin: "builtin",
            source: `${model} (@kubernetes/client-node ${clientNodeVersion()})`,
            served: true,
            namespaced: !CLUSTER_SCOPED.has(kind),
            schema: this.model(model),
        };
    }
}
