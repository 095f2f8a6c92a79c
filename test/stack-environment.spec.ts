/**
 * docs/operations.md has each deployed stack list its ESC environment (the kubeconfig and credentials the
 * workflows use); the stack files must do what the docs say.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { REPO_ROOT } from "./mocks";

describe("stack files' ESC environments", () => {
    for (const stack of ["dev", "prod"]) {
        it(`Pulumi.${stack}.yaml lists istio-mesh/${stack}`, () => {
            const file = parse(fs.readFileSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8"));
            assert.deepStrictEqual(file.environment, [`istio-mesh/${stack}`]);
        });
    }
    it("is what docs/operations.md tells to write", () =>
        assert.match(fs.readFileSync(path.join(REPO_ROOT, "docs", "operations.md"), "utf8"), /environment:\n\s+- istio-mesh\/dev\n/));
});
