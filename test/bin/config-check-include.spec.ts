import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { projectDirectory, readStackConfig, readStackFile } from "../../bin/config-check";
import { REPO_ROOT } from "../mocks";

const PERMISSIVE =
    "PERMISSIVE accepts plaintext, so any pod can reach these workloads without an identity; it is for moving workloads into the mesh: " +
    "write { mode: PERMISSIVE, migration: true } to say so, or use STRICT";

describe("npm run config:check with istio-mesh:include", function () {
    this.timeout(30000);

    const scratch: string[] = [];
    after(() => scratch.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

    /** A project directory with Pulumi.yaml and `files`; returns its path. */
    function project(files: Record<string, string>): string {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "config-check-include-"));
        scratch.push(dir);
        for (const [rel, text] of Object.entries({ "Pulumi.yaml": "name: istio-mesh\nruntime: nodejs\n", ...files })) {
            fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
            fs.writeFileSync(path.join(dir, rel), text);
        }
        return dir;
    }

    /** Runs `npm run config:check` the way a user does, on stack files of a project. */
    function check(...files: string[]): { status: number | null; stdout: string; stderr: string } {
        const run = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "bin/config-check.ts", ...files], {
            cwd: REPO_ROOT,
            encoding: "utf8",
        });
        return { status: run.status, stdout: run.stdout, stderr: run.stderr };
    }

    const STACK = "config:\n  istio-mesh:mtls: STRICT\n  istio-mesh:include: [mesh]\n  istio-mesh:namespaces:\n    shop: {}\n";

    it("exits 0 when the stack and its included files are valid", () => {
        const dir = project({ "Pulumi.dev.yaml": STACK, "mesh/team-a.yaml": "namespaces:\n  billing: {}\n" });
        assert.deepStrictEqual(check(path.join(dir, "Pulumi.dev.yaml")), { status: 0, stdout: `${path.join(dir, "Pulumi.dev.yaml")}: valid\n`, stderr: "" });
    });

    it("exits 1 naming the file and line of an included entry's problem", () => {
        const dir = project({ "Pulumi.dev.yaml": STACK, "mesh/payments.yaml": "namespaces:\n  payments:\n    mtls: PERMISSIVE\n" });
        assert.deepStrictEqual(check(path.join(dir, "Pulumi.dev.yaml")), {
            status: 1,
            stdout: `${dir}/mesh/payments.yaml:3: istio-mesh:namespaces.payments.mtls: ${PERMISSIVE}\n`,
            stderr: "",
        });
    });

    it("exits 1 naming the stack file's line of a name an included file defines again", () => {
        const dir = project({ "Pulumi.dev.yaml": STACK, "mesh/team-a.yaml": "namespaces:\n  shop: {}\n" });
        const file = path.join(dir, "Pulumi.dev.yaml");
        assert.deepStrictEqual(check(file), {
            status: 1,
            stdout: `${dir}/mesh/team-a.yaml:2:3: istio-mesh:namespaces.shop is already defined in ${file}:5:5: define each namespace in one place\n`,
            stderr: "",
        });
    });

    it("exits 1 for an unknown top-level key of an included file, and checks the next stack file", () => {
        const dir = project({
            "Pulumi.dev.yaml": STACK,
            "Pulumi.prod.yaml": "config:\n  istio-mesh:mtls: STRICT\n",
            "mesh/team-a.yaml": "namespace:\n  billing: {}\n",
        });
        assert.deepStrictEqual(check(path.join(dir, "Pulumi.dev.yaml"), path.join(dir, "Pulumi.prod.yaml")), {
            status: 1,
            stdout:
                `${dir}/mesh/team-a.yaml:1:1: unknown key "namespace"; did you mean "namespaces"? an included file holds only namespaces, routes, externalServices\n` +
                `${path.join(dir, "Pulumi.prod.yaml")}: valid\n`,
            stderr: "",
        });
    });

    it("exits 2 naming the file, line and column of a YAML error in an included file", () => {
        const dir = project({ "Pulumi.dev.yaml": STACK, "mesh/team-a.yaml": "namespaces:\n  billing: {}\n  billing: {}\n" });
        assert.deepStrictEqual(check(path.join(dir, "Pulumi.dev.yaml")), {
            status: 2,
            stdout: "",
            stderr: `${dir}/mesh/team-a.yaml:3:3: duplicate key "billing": a key may appear once in a map\n`,
        });
    });

    it("exits 2 naming the stack file's line of an include path that does not exist", () => {
        const dir = project({
            "Pulumi.dev.yaml": "config:\n  istio-mesh:include:\n    - mesh/team-a.yaml\n    - mesh/nope\n",
            "mesh/team-a.yaml": "namespaces: {}\n",
        });
        const file = path.join(dir, "Pulumi.dev.yaml");
        assert.deepStrictEqual(check(file), {
            status: 2,
            stdout: "",
            stderr: `${file}:4: istio-mesh:include[1]: "mesh/nope" does not exist (paths are relative to the project directory, where Pulumi.yaml is)\n`,
        });
    });

    it("reads include paths relative to Pulumi.yaml's directory when stack files live in a subdirectory", () => {
        const dir = project({ "stacks/Pulumi.dev.yaml": STACK, "mesh/team-a.yaml": "namespaces:\n  billing: {}\n" });
        assert.deepStrictEqual(Object.keys(readStackFile(path.join(dir, "stacks/Pulumi.dev.yaml")).namespaces as object), ["shop", "billing"]);
    });

    it("reads include paths relative to the stack file's directory outside a project", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "config-check-include-"));
        scratch.push(dir);
        assert.strictEqual(projectDirectory(path.join(dir, "Pulumi.dev.yaml")), dir);
    });

    it("shows included files as the stack file's path is written", () => assert.strictEqual(projectDirectory("Pulumi.dev.yaml"), "."));

    it("keeps include unread in the stack's own config", () =>
        assert.deepStrictEqual(readStackConfig(path.join(REPO_ROOT, "Pulumi.dev.yaml")).raw.include, ["mesh/dev"]));

    it("merges the dev stack's team files", () =>
        assert.deepStrictEqual(Object.keys(readStackFile(path.join(REPO_ROOT, "Pulumi.dev.yaml")).namespaces as object), ["customer-apps", "legacy-apps"]));
});
