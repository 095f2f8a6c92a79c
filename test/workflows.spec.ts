/**
 * The GitHub workflows run the engine the project pins: the CLI of the @pulumi/pulumi SDK and the provider
 * plugins at the @pulumi/* versions (the engine loads a plugin by the exact version of the package that
 * registers the resource), and previews that skip the state checkpoints a preview never persists.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { REPO_ROOT } from "./mocks";

const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
const workflow = (name: string) => fs.readFileSync(path.join(REPO_ROOT, ".github", "workflows", name), "utf8");

describe("GitHub workflows", () => {
    for (const name of ["pull-request.yml", "deploy.yml"]) {
        it(`${name} runs the CLI of the @pulumi/pulumi SDK`, () =>
            assert.strictEqual(String(parse(workflow(name)).env.PULUMI_VERSION), pkg.dependencies["@pulumi/pulumi"]));
    }
    it("pull-request.yml installs each plugin at its npm package's version", () => {
        const installs = [...workflow("pull-request.yml").matchAll(/pulumi plugin install resource (\S+) (\S+)/g)].map((m) => [m[1], m[2]]);
        assert.deepStrictEqual(
            installs,
            installs.map(([plugin]) => [plugin, pkg.dependencies[`@pulumi/${plugin}`]]),
        );
    });
    it("pull-request.yml installs the plugins of kubernetes, tls and random", () =>
        assert.deepStrictEqual(
            [...workflow("pull-request.yml").matchAll(/pulumi plugin install resource (\S+)/g)].map((m) => m[1]),
            ["kubernetes", "tls", "random"],
        ));
    it("pull-request.yml previews with the state checkpoints skipped", () =>
        assert.strictEqual(parse(workflow("pull-request.yml")).jobs.preview.env.PULUMI_SKIP_CHECKPOINTS, "true"));
    it("deploy.yml previews prod with the state checkpoints skipped", () =>
        assert.strictEqual(parse(workflow("deploy.yml")).jobs["prod-preview"].env.PULUMI_SKIP_CHECKPOINTS, "true"));
    it("deploy.yml's ups keep their checkpoints, so an interrupted up records what it changed", () =>
        assert.deepStrictEqual(
            ["dev", "prod"].map((job) => parse(workflow("deploy.yml")).jobs[job].env?.PULUMI_SKIP_CHECKPOINTS),
            [undefined, undefined],
        ));
});
