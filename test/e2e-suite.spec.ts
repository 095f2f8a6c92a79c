import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { REPO_ROOT } from "./mocks";

describe("the e2e suite (test/e2e/.mocharc.yml)", () => {
    it("lists every e2e file, in the order they must run", () => {
        const listed = (YAML.parse(fs.readFileSync(path.join(REPO_ROOT, "test/e2e/.mocharc.yml"), "utf8")).spec as string[]).map((f) => path.basename(f));
        const present = fs.readdirSync(path.join(REPO_ROOT, "test/e2e")).filter((f) => f.endsWith(".e2e.ts"));
        assert.deepStrictEqual([...listed].sort(), present.sort());
    });
});
