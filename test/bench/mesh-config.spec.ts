/**
 * The bench's mesh (bench/mesh-config.ts) is a valid stack, read the way the program reads it (stack config
 * plus included team files), and the bench's host refuses a config the language host could not pass.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { checkMeshConfig } from "../../config";
import { resolveIncludes } from "../../config/include";
import { ENV_STRING_LIMIT, previewCommand } from "../../bench/host";
import { meshStack, teamNames } from "../../bench/mesh-config";

/** Writes a mesh's files under a fresh project directory and reads its config as the program would. */
function readMesh(n: number): { raw: Record<string, unknown>; root: string; configBytes: number } {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "istio-mesh-bench-mesh-"));
    const stack = meshStack(n, "mesh/teams");
    fs.mkdirSync(path.join(root, "mesh/teams"), { recursive: true });
    for (const [file, text] of stack.files) fs.writeFileSync(path.join(root, file), text);
    const flat = Object.fromEntries(Object.entries(stack.config).map(([k, v]) => [`istio-mesh:${k}`, JSON.stringify(v)]));
    const raw = resolveIncludes(JSON.parse(JSON.stringify(stack.config)), { root });
    return { raw, root, configBytes: Buffer.byteLength(`PULUMI_CONFIG=${JSON.stringify(flat)}`) };
}

describe("bench: the mesh it measures", () => {
    it("names its namespaces team-0000 upwards", () => assert.deepStrictEqual(teamNames(3), ["team-0000", "team-0001", "team-0002"]));

    it("writes one file per team", () => assert.equal(meshStack(25, "d").files.size, 25));

    describe("100 namespaces, read with their included files", () => {
        let mesh: ReturnType<typeof readMesh>;
        before(() => {
            mesh = readMesh(100);
        });
        after(() => fs.rmSync(mesh.root, { recursive: true, force: true }));

        it("is a valid stack config", () => assert.deepStrictEqual(checkMeshConfig(mesh.raw).problems, []));

        it("enrols every team's namespace", () => assert.equal(Object.keys(checkMeshConfig(mesh.raw).config!.namespaces).length, 100));

        it("publishes every team's route", () => assert.equal(Object.keys(mesh.raw.routes as object).length, 100));
    });

    it("keeps the stack config of 1,000 namespaces far below PULUMI_CONFIG's limit", () => {
        const mesh = readMesh(1000);
        fs.rmSync(mesh.root, { recursive: true, force: true });
        assert.ok(mesh.configBytes < ENV_STRING_LIMIT / 2, `${mesh.configBytes} bytes`);
    });

    it("refuses a config the language host could not pass in PULUMI_CONFIG", () => {
        const big = { "istio-mesh:filler": "x".repeat(ENV_STRING_LIMIT) };
        assert.throws(
            () =>
                previewCommand({
                    projectDir: path.resolve(__dirname, "../.."),
                    runtime: { typescript: false, main: "pulumi-main.js", nodeargs: [] },
                    project: "istio-mesh",
                    stack: "bench",
                    config: big,
                }),
            { message: "bench: the stack config is 128 KiB, over the 128 KiB PULUMI_CONFIG can hold" },
        );
    });
});
