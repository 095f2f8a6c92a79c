/**
 * Conformance with the real upstream schemas: every Kubernetes resource of the stack must validate
 * against its CRD's openAPIV3Schema and `x-kubernetes-validations` CEL rules, or against the
 * Kubernetes API schema of a built-in kind, so `pulumi preview` refuses a misspelled field, a wrong
 * enum or `timeout: 0s` before anything is applied. Values unknown during preview are skipped.
 */
import type { ResourceValidationArgs, ResourceValidationPolicy, ReportViolation } from "@pulumi/policy";
import { containsUnknown, parseTypeToken, unwrap } from "../lib/k8s";
import * as path from "path";
import { istioChartsDir } from "../schema/crds";
import { Finding } from "../schema/types";
import { SchemaValidator } from "../schema/validator";
import { checkChartValues, loadChart } from "../schema/values";

let shared: SchemaValidator | undefined;

/** One validator per process: CRDs are loaded once and compiled rules are shared by all resources. */
function validator(): SchemaValidator {
    shared ??= new SchemaValidator();
    return shared;
}

/**
 * Forgets the shared validator, so the next check makes a new one: after the checker's start-up snapshot
 * has run its warm-up, whose validator read the CRD paths and models of the build's environment.
 */
export function resetSchemaValidator(): void {
    shared = undefined;
}

const isUnknown = (v: unknown): boolean => typeof v === "string" && containsUnknown(v);

/** The apiVersion of a `kubernetes:<group>/<version>:<Kind>` token (`core/v1` is `v1`). */
export function apiVersionOfToken(group: string, version: string): string {
    return group === "core" ? version : `${group}/${version}`;
}

/** A finding as a violation message: where, what, and which schema rule says so. */
export function violationMessage(f: Finding): string {
    const value = f.value === undefined ? "" : ` (value: ${JSON.stringify(f.value)?.slice(0, 200)})`;
    return `${f.path || "(object)"}: ${f.message}${value}; ${f.rule} at ${f.location}`;
}

const HELM_TYPES = new Set(["kubernetes:helm.sh/v4:Chart", "kubernetes:helm.sh/v3:Chart", "kubernetes:helm.sh/v3:Release"]);
const ISTIO_CHARTS = new Set(["base", "istiod", "gateway"]);

/**
 * The values problems of a Helm chart resource of one of Istio's charts (`chart` ends in `base`,
 * `istiod` or `gateway`) at the pinned version; other charts and other versions are not judged.
 */
export function chartValuesMessages(props: Record<string, unknown>, isUnknownValue: (v: unknown) => boolean = isUnknown): string[] {
    if (typeof props.chart !== "string" || isUnknownValue(props.chart)) return [];
    const name = props.chart.split("/").pop() ?? "";
    if (!ISTIO_CHARTS.has(name)) return [];
    const dir = path.join(istioChartsDir(), name);
    if (typeof props.version === "string" && props.version !== loadChart(dir).version) return [];
    const values = props.values;
    if (typeof values !== "object" || values === null || Array.isArray(values)) return [];
    return checkChartValues(dir, values as Record<string, unknown>, { isUnknown: isUnknownValue }).map((m) => `values.${m}`);
}

/**
 * Checks that each Kubernetes resource conforms to the schema of its kind, and that the values of
 * Istio's Helm charts are values of the chart. Patches and Lists are left out (patches are partial
 * by design), and so are kinds of API groups no loaded CRD defines.
 */
export function schemaConformance(): ResourceValidationPolicy {
    return {
        name: "schema-conformance",
        description:
            "Checks that Kubernetes resources conform to the upstream schemas of the pinned versions: CRD openAPIV3Schema and x-kubernetes-validations CEL rules (Istio, cert-manager, MetalLB, prometheus-operator), the Kubernetes API schemas of built-in kinds, and the values of Istio's Helm charts.",
        enforcementLevel: "mandatory",
        validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
            if (HELM_TYPES.has(args.type)) {
                for (const m of chartValuesMessages(unwrap(args.props) as Record<string, unknown>)) report(m);
                return;
            }
            const info = parseTypeToken(args.type);
            if (!info || info.kind.endsWith("Patch") || info.kind.endsWith("List")) return;
            const props = unwrap(args.props) as Record<string, unknown>;
            const apiVersion = apiVersionOfToken(info.group, info.version);
            const object = props.apiVersion === apiVersion && props.kind === info.kind ? props : { ...props, apiVersion, kind: info.kind };
            // The manifest checker marks objects read from files, which hold no preview unknowns: no need to look for them.
            const noUnknowns = (args as { noUnknowns?: boolean }).noUnknowns === true;
            const findings = validator().validate(object, { isUnknown: noUnknowns ? undefined : isUnknown, requireName: false, ignoreUnknownGroups: true });
            for (const f of findings) report(violationMessage(f));
        },
    };
}
