import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "../mocks";

/** Runs scripts/toolchain.sh with an empty cache and Pulumi home, and no installed pulumi/istioctl on PATH. */
function toolchain(...args: string[]): { status: number | null; stdout: string; stderr: string } {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "toolchain-"));
    const r = spawnSync("bash", ["scripts/toolchain.sh", ...args], {
        cwd: REPO_ROOT,
        encoding: "utf8",
        env: { PATH: "/usr/bin:/bin", HOME: empty, ISTIO_MESH_TOOLS: path.join(empty, "tools"), PULUMI_HOME: path.join(empty, "pulumi") },
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const goMod = (tool: string) => fs.readFileSync(path.join(REPO_ROOT, "toolchain", tool, "go.mod"), "utf8");
const required = (mod: string, module: string) => new RegExp(`^\\s*(?:require )?${module.replace(/\./g, "\\.")} (v\\S+)`, "m").exec(mod)?.[1];

describe("scripts/toolchain.sh", () => {
    it("builds the kubernetes provider at the version of the @pulumi/kubernetes npm package (the engine loads plugins by exact version)", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
        assert.strictEqual(`v${pkg.dependencies["@pulumi/kubernetes"]}`, required(goMod("kubernetes"), "github.com/pulumi/pulumi-kubernetes/sdk/v4"));
    });
    it("pins the Pulumi CLI's pkg and sdk modules to one version", () => {
        const mod = goMod("pulumi");
        assert.strictEqual(required(mod, "github.com/pulumi/pulumi/pkg/v3"), required(mod, "github.com/pulumi/pulumi/sdk/v3"));
    });
    it("keeps a go.sum beside every wrapper module, so builds are pinned", () =>
        assert.deepStrictEqual(
            ["pulumi", "kubernetes", "istioctl"].filter((t) => !fs.existsSync(path.join(REPO_ROOT, "toolchain", t, "go.sum"))),
            [],
        ));
    it("names a provider that cannot be built here and is not installed", () => {
        const r = toolchain("--no-build", "tls");
        const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
        const v = pkg.dependencies["@pulumi/tls"];
        assert.deepStrictEqual(
            [r.status, r.stdout, r.stderr],
            [1, "", `toolchain: missing: the tls provider plugin ${v} (not buildable here: pulumi plugin install resource tls ${v} --file <binary>)\n`],
        );
    });
    it("with --no-build, names a tool that is neither installed nor cached instead of building it", () => {
        const r = toolchain("--no-build", "pulumi");
        assert.deepStrictEqual([r.status, r.stderr], [1, "toolchain: missing: pulumi (not built yet: run scripts/toolchain.sh pulumi)\n"]);
    });
    it("refuses an unknown tool with exit 2", () => {
        const r = toolchain("helm");
        assert.deepStrictEqual(
            [r.status, r.stderr],
            [2, "toolchain: error: unknown argument 'helm' (expected: --no-build, all, pulumi, kubernetes, istioctl, tls, random)\n"],
        );
    });
    it("prints a cached tool's directory without building it again", () => {
        const empty = fs.mkdtempSync(path.join(os.tmpdir(), "toolchain-"));
        const tools = path.join(empty, "tools");
        const hash = spawnSync("bash", ["-c", "cat toolchain/istioctl/* | sha256sum | cut -c1-12"], { cwd: REPO_ROOT, encoding: "utf8" }).stdout.trim();
        const version = required(goMod("istioctl"), "istio.io/istio")!;
        const bin = path.join(tools, `istioctl-${version}-${hash}`, "bin");
        fs.mkdirSync(bin, { recursive: true });
        fs.writeFileSync(path.join(bin, "istioctl"), "#!/bin/sh\n", { mode: 0o755 });
        const r = spawnSync("bash", ["scripts/toolchain.sh", "--no-build", "istioctl"], {
            cwd: REPO_ROOT,
            encoding: "utf8",
            env: { PATH: "/usr/bin:/bin", HOME: empty, ISTIO_MESH_TOOLS: tools },
        });
        assert.deepStrictEqual([r.status, r.stdout], [0, `istioctl\t${version}\t${bin}\tbuilt\n`]);
    });
});
