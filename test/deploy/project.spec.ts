/** deploy/ as a project of its own: its Pulumi.yaml, its pinned dependencies, and the root's independence. */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { CONFIG_KEYS, PROJECT } from "../../deploy/config";
import { DEPLOY_DIR } from "./harness";
import { REPO_ROOT } from "../mocks";

const json = (file: string) => JSON.parse(fs.readFileSync(file, "utf8"));
const project = parse(fs.readFileSync(path.join(DEPLOY_DIR, "Pulumi.yaml"), "utf8"));

describe("deploy project", () => {
    it("is named as config.ts expects", () => assert.strictEqual(project.name, PROJECT));
    it("describes every config key the program reads, and no other", () => assert.deepStrictEqual(Object.keys(project.config), CONFIG_KEYS));
    it("pins the SDK and the Pulumi Cloud provider exactly", () =>
        assert.deepStrictEqual(json(path.join(DEPLOY_DIR, "package.json")).dependencies, { "@pulumi/pulumi": "3.270.0", "@pulumi/pulumiservice": "1.3.0" }));
    it("keeps the Pulumi Cloud provider out of the mesh program's dependencies", () => {
        const root = json(path.join(REPO_ROOT, "package.json"));
        assert.deepStrictEqual(
            Object.keys({ ...root.dependencies, ...root.devDependencies }).filter((d) => d.includes("pulumiservice")),
            [],
        );
    });
});
