import * as assert from "assert";
import type { Policies, ResourceValidationArgs, ReportViolation } from "@pulumi/policy";
import { resolveConfig } from "../../policy-pack/checker/config";
import { loadText } from "../../policy-pack/checker/load";
import { PolicyError, runPolicies } from "../../policy-pack/checker/run";

const MANIFESTS = ["a", "b", "c"].map((n) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${n}\n  namespace: x\n`).join("---\n");

const later = () => new Promise<void>((resolve) => setTimeout(resolve, 1));

/** A resource policy whose validations report `<policy> <name>` for each object, some of them asynchronously. */
function policy(name: string, ...asynchronous: boolean[]): Policies[number] {
    const fns = asynchronous.map((isAsync, i) =>
        isAsync
            ? async (args: ResourceValidationArgs, report: ReportViolation) => {
                  await later();
                  report(`${name}#${i} ${args.props.metadata.name}`);
              }
            : (args: ResourceValidationArgs, report: ReportViolation) => report(`${name}#${i} ${args.props.metadata.name}`),
    );
    return { name, description: "test", enforcementLevel: "advisory", validateResource: fns };
}

async function run(policies: Policies): Promise<string[]> {
    const violations = await runPolicies(policies, loadText(MANIFESTS, "m.yaml"), resolveConfig(undefined, policies));
    return violations.map((v) => `${v.message} @${v.resource?.name}`);
}

describe("runPolicies", () => {
    it("reports in policy order, then object order, when every validation is synchronous", async () => {
        assert.deepStrictEqual(await run([policy("p", false), policy("q", false, false)]), [
            "p#0 a @a",
            "p#0 b @b",
            "p#0 c @c",
            "q#0 a @a",
            "q#1 a @a",
            "q#0 b @b",
            "q#1 b @b",
            "q#0 c @c",
            "q#1 c @c",
        ]);
    });

    it("waits for asynchronous validations and keeps the same order and attribution", async () => {
        assert.deepStrictEqual(await run([policy("p", true), policy("q", false, true, false)]), [
            "p#0 a @a",
            "p#0 b @b",
            "p#0 c @c",
            "q#0 a @a",
            "q#1 a @a",
            "q#2 a @a",
            "q#0 b @b",
            "q#1 b @b",
            "q#2 b @b",
            "q#0 c @c",
            "q#1 c @c",
            "q#2 c @c",
        ]);
    });

    it("turns a rejected asynchronous validation into a PolicyError naming the policy and the object", async () => {
        const failing: Policies[number] = {
            name: "broken",
            description: "test",
            enforcementLevel: "advisory",
            validateResource: async () => {
                await later();
                throw new Error("boom");
            },
        };
        await assert.rejects(run([failing]), (e: Error) => e instanceof PolicyError && /^policy broken failed on m\.yaml:1: Error: boom/.test(e.message));
    });
});
