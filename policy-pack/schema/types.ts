/**
 * Shared shapes of the schema validator: the OpenAPI v3 subset that CRDs use (the same shape is
 * produced for built-in kinds), the identity of a validated object and the findings it yields.
 */

/** A CEL rule attached to a schema node (`x-kubernetes-validations`). */
export interface ValidationRule {
    rule: string;
    message?: string;
    messageExpression?: string;
    reason?: string;
    fieldPath?: string;
    optionalOldSelf?: boolean;
}

/** The structural-schema subset of JSONSchemaProps that the validator understands. */
export interface SchemaNode {
    type?: "object" | "array" | "string" | "integer" | "number" | "boolean";
    format?: string;
    enum?: unknown[];
    nullable?: boolean;
    default?: unknown;
    properties?: Record<string, SchemaNode>;
    additionalProperties?: boolean | SchemaNode;
    items?: SchemaNode;
    required?: string[];
    minimum?: number;
    maximum?: number;
    exclusiveMinimum?: boolean;
    exclusiveMaximum?: boolean;
    multipleOf?: number;
    minLength?: number;
    maxLength?: number;
    pattern?: string;
    minItems?: number;
    maxItems?: number;
    uniqueItems?: boolean;
    minProperties?: number;
    maxProperties?: number;
    oneOf?: SchemaNode[];
    anyOf?: SchemaNode[];
    allOf?: SchemaNode[];
    not?: SchemaNode;
    "x-kubernetes-preserve-unknown-fields"?: boolean;
    "x-kubernetes-int-or-string"?: boolean;
    "x-kubernetes-embedded-resource"?: boolean;
    "x-kubernetes-list-type"?: "atomic" | "set" | "map";
    "x-kubernetes-list-map-keys"?: string[];
    "x-kubernetes-map-type"?: string;
    "x-kubernetes-validations"?: ValidationRule[];
    /** Built-in kinds only: the model this node stands for, expanded lazily (models are recursive). */
    $model?: string;
    /** Built-in kinds only: the value is a resource.Quantity (a string or a number). */
    $quantity?: boolean;
}

/** Which object a finding is about. */
export interface ResourceRef {
    apiVersion: string;
    kind: string;
    namespace?: string;
    name?: string;
}

/** One way in which an object does not conform to its schema. */
export interface Finding {
    resource: ResourceRef;
    /** Field path in the object, e.g. `spec.http[0].timeout`; empty for the object itself. */
    path: string;
    /** What was violated: a schema keyword (`enum`, `required`, `unknown-field` ...) or `cel`. */
    rule: string;
    /** Where the violated constraint lives: `<CRD or model> <version>: <schema path>`, or the CEL rule. */
    location: string;
    /** The offending value (absent for a missing field). */
    value?: unknown;
    /** What is wrong, in the CRD's own words when the rule carries a message. */
    message: string;
    /** Set by the CLI: where the object came from. */
    file?: string;
    line?: number;
}

/** A schema for one apiVersion/kind, with where it came from. */
export interface KindSchema {
    apiVersion: string;
    kind: string;
    /** `crd` for CustomResourceDefinitions, `builtin` for Kubernetes' own kinds. */
    origin: "crd" | "builtin";
    /** A human name of the source, e.g. `virtualservices.networking.istio.io` or `V1Deployment`. */
    source: string;
    /** File the schema was read from (CRDs). */
    file?: string;
    served: boolean;
    namespaced: boolean;
    schema: SchemaNode;
}
