/**
 * The project's own stacks against the upstream schemas: every Kubernetes object the dev and prod
 * (and local) stacks register validates clean, and every Helm chart's values are values of the chart.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { apiVersionOfToken, chartValuesMessages, violationMessage } from "../../../policy-pack/policies/schema";
import { SchemaValidator } from "../../../policy-pack/schema";
import { REPO_ROOT, Stack } from "../../mocks";
import { runStack } from "../../stack-files";

const validator = new SchemaValidator();

/** `kubernetes:<group>/<version>:<Kind>` of a custom resource, as `[apiVersion, kind]`; undefined for the rest. */
function objectType(type: string): [string, string] | undefined {
    const m = /^kubernetes:([^:/]+)\/([^:/]+):([A-Za-z0-9]+)$/.exec(type);
    if (!m || ["yaml", "kustomize", "helm.sh"].includes(m[1]) || m[3].endsWith("Patch") || m[3].endsWith("List")) return undefined;
    return [apiVersionOfToken(m[1], m[2]), m[3]];
}

/** Every finding of the stack's Kubernetes objects, as `type name: message`. */
function objectFindings(stack: Stack): string[] {
    return stack.resources.flatMap((r) => {
        const t = objectType(r.type);
        if (!t) return [];
        const object = { ...r.inputs, apiVersion: t[0], kind: t[1] };
        return validator.validate(object, { requireName: false, ignoreUnknownGroups: true }).map((f) => `${r.type} ${r.name}: ${violationMessage(f)}`);
    });
}

/** Every values problem of the stack's Istio Helm charts, as `name: message`. */
function valuesFindings(stack: Stack): string[] {
    return stack.resources
        .filter((r) => r.type.startsWith("kubernetes:helm.sh/"))
        .flatMap((r) => chartValuesMessages(r.inputs ?? {}).map((m) => `${r.name}: ${m}`));
}

const stacks = ["dev", "prod", "local"].filter((s) => fs.existsSync(path.join(REPO_ROOT, `Pulumi.${s}.yaml`)));

describe("stacks against the upstream schemas", () => {
    for (const name of stacks) {
        describe(name, () => {
            let stack: Stack;
            before(async function () {
                // A whole program run under the mock engine: seconds on a loaded CI machine.
                this.timeout(120_000);
                stack = await runStack(name);
            });

            it("registers Kubernetes objects and Istio charts of the pinned version to check", () => {
                assert.ok(
                    stack.resources.some((r) => objectType(r.type)),
                    "no Kubernetes objects",
                );
                const istiod = stack.resources.find((r) => String(r.inputs?.chart ?? "").endsWith("istiod"));
                assert.ok(istiod && [undefined, "1.30.3"].includes(istiod.inputs.version), "no istiod chart at 1.30.3");
            });

            it("registers only objects that conform to their CRD or built-in schema", () => {
                assert.deepStrictEqual(objectFindings(stack), []);
            });

            it("sets only values the Istio charts have", () => {
                assert.deepStrictEqual(valuesFindings(stack), []);
            });
        });
    }
});
