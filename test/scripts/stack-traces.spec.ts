/**
 * scripts/stack-traces.js: how pulumi-main.js formats the precompiled program's stack traces. Each case runs in
 * a child process, since Error.prepareStackTrace is process-wide (mocha and ts-node install their own).
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as ts from "typescript";

const MODULE = path.resolve(__dirname, "../../scripts/stack-traces.js");

/** Runs `body` in a fresh node after installing the stack traces for `compiledDir`; returns its stdout. */
function run(compiledDir: string, promiseTraces: boolean, body: string): string {
    const script = `require(${JSON.stringify(MODULE)}).installStackTraces({ compiledDir: ${JSON.stringify(compiledDir)}, promiseTraces: ${promiseTraces} });\n${body}`;
    const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
}

/** Compiles `source` as `<dir>/src/<name>.ts` into `<dir>/dist/<name>.js` with a source map, as tsc -b does. */
function compile(dir: string, name: string, source: string): string {
    const out = ts.transpileModule(source, {
        fileName: path.join(dir, "src", `${name}.ts`),
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, sourceMap: true },
    });
    const map = JSON.parse(out.sourceMapText!);
    map.sources = [path.relative(path.join(dir, "dist"), path.join(dir, "src", `${name}.ts`))];
    fs.mkdirSync(path.join(dir, "dist"), { recursive: true });
    const js = path.join(dir, "dist", `${name}.js`);
    fs.writeFileSync(js, out.outputText);
    fs.writeFileSync(`${js}.map`, JSON.stringify(map));
    return js;
}

describe("scripts/stack-traces.js", () => {
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "istio-mesh-stack-traces-"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("leaves a trace captured in the SDK's debuggablePromise as the error's first line", () => {
        const out = run(dir, false, `function debuggablePromise() { return new Error("pending").stack; }\nprocess.stdout.write(debuggablePromise());`);
        assert.equal(out, "Error: pending");
    });

    it("keeps the promise traces when asked to (PULUMI_DEBUG_PROMISE_LEAKS)", () => {
        const out = run(dir, true, `function debuggablePromise() { return new Error("pending").stack; }\nprocess.stdout.write(debuggablePromise());`);
        assert.match(out, /^Error: pending\n {4}at debuggablePromise \(\[eval\]:2:\d+\)/);
    });

    it("maps a frame of the compiled program back to its TypeScript source", () => {
        const js = compile(
            dir,
            "thrower",
            '// line 1\nexport function thrower(): string {\n    const where: string = "here";\n    return new Error(where).stack!;\n}\n',
        );
        const out = run(dir + "/dist", false, `process.stdout.write(require(${JSON.stringify(js)}).thrower());`);
        assert.equal(out.split("\n")[1], `    at thrower (${path.join(dir, "src", "thrower.ts")}:4:12)`);
    });

    it("prints frames outside the compiled program as V8 gives them", () => {
        const out = run(path.join(dir, "dist"), false, `function outside() { return new Error("x").stack; }\nprocess.stdout.write(outside());`);
        assert.equal(out.split("\n")[1], "    at outside ([eval]:2:29)");
    });

    it("prints a compiled frame unmapped when its source map is missing", () => {
        const js = path.join(dir, "dist", "nomap.js");
        fs.mkdirSync(path.dirname(js), { recursive: true });
        fs.writeFileSync(js, "exports.f = function f() { return new Error('y').stack; };\n");
        const out = run(path.join(dir, "dist"), false, `process.stdout.write(require(${JSON.stringify(js)}).f());`);
        assert.equal(out.split("\n")[1], `    at Object.f (${js}:1:35)`);
    });
});
