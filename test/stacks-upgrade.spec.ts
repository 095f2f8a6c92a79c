import { sharedPath } from "./shared";
/**
 * The `upgrade` render stack (Pulumi.upgrade.yaml): the mesh mid-upgrade from 1.29.6 to 1.30.3, which
 * `ISTIO_MESH_STACK=upgrade npm run render` writes to rendered-upgrade/ with only the kubernetes provider.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { readStackFile } from "../bin/config-check";
import { REPO_ROOT, runProgram, Stack } from "./mocks";

const CHART = "kubernetes:helm.sh/v4:Chart";
const FILE = path.join(REPO_ROOT, "Pulumi.upgrade.yaml");

describe("stacks: upgrade (mid-upgrade render)", () => {
    let stack: Stack;
    before(async () => {
        stack = await runProgram(readStackFile(FILE), { stack: "upgrade" });
    });
    it("renders into its own directory, not local's", () => {
        const dir = (f: string) => YAML.parse(fs.readFileSync(path.join(REPO_ROOT, f), "utf8")).config["kubernetes:renderYamlToDirectory"];
        assert.deepStrictEqual([dir("Pulumi.upgrade.yaml"), dir("Pulumi.local.yaml")], ["rendered-upgrade", "rendered"]);
    });
    it("needs no tls or random provider", () =>
        assert.deepStrictEqual(
            stack.resources.filter((r) => /^(tls|random):/.test(r.type)).map((r) => r.type),
            [],
        ));
    it("runs both control planes from the shared charts, each rendering its tag", () =>
        assert.deepStrictEqual(
            stack
                .ofType(CHART)
                .filter((c) => c.name.startsWith("mesh-istiod"))
                .map((c) => [c.name, c.inputs.chart, c.inputs.values.revisionTags])
                .sort(),
            [
                ["mesh-istiod-1-29-6", `${sharedPath("../shared/istio-charts/1.29.6")}/istiod`, ["prod-stable"]],
                ["mesh-istiod-1-30-3", `${sharedPath("../shared/istio-charts/1.30.3")}/istiod`, ["prod-canary"]],
            ],
        ));
    it("installs the CRDs from the 1.30.3 base chart", () =>
        assert.strictEqual(stack.get(CHART, "mesh-base").inputs.chart, `${sharedPath("../shared/istio-charts/1.30.3")}/base`));
    it("enrols the namespaces by tag", () =>
        assert.deepStrictEqual(
            [
                stack.get("kubernetes:core/v1:Namespace", "customer-apps-namespace").inputs.metadata.labels,
                stack.get("kubernetes:core/v1:NamespacePatch", "legacy-apps-namespace").inputs.metadata.labels,
            ],
            [
                { "istio.io/rev": "prod-canary", "pod-security.kubernetes.io/enforce": "baseline" },
                { "istio.io/rev": "prod-stable", "pod-security.kubernetes.io/enforce": "baseline" },
            ],
        ));
    it("exports where each namespace is", () =>
        assert.deepStrictEqual((stack.outputs.istio as { namespaces: unknown }).namespaces, {
            "customer-apps": { label: "istio.io/rev=prod-canary", tag: "prod-canary", revision: "1-30-3" },
            "legacy-apps": { label: "istio.io/rev=prod-stable", tag: "prod-stable", revision: "1-29-6" },
        }));
});
